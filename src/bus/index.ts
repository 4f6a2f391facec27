// Event transport. Two uses: work items the pipeline must process (durable, acked after the
// database commit, redelivered on failure) and notifications for live views (fire and forget).
// The database stays the record of truth: a lost work item only waits for the inbound sweep.

export interface BusMessage {
  subject: string
  data: unknown
}

export interface WorkConsumerOptions {
  /** Subject filter; `>` matches the rest, `*` one token (NATS syntax, also honoured in memory). */
  subject: string
  /** Durable consumer name: several processes with the same name share the work. */
  durable: string
  /** Acked when it resolves; redelivered (after a delay) when it throws. */
  handler: (msg: BusMessage) => Promise<void>
  /** How many unacked messages a consumer holds at once. */
  inFlightMax?: number
}

export interface Bus {
  kind: 'memory' | 'nats'
  publish(subject: string, data: unknown): Promise<void>
  /** Durable, at-least-once work consumption. */
  consume(opts: WorkConsumerOptions): Promise<{ stop(): Promise<void> }>
  /** Live notifications to this process; no durability. Returns an unsubscribe function. */
  subscribe(subject: string, handler: (msg: BusMessage) => void): () => void
  close(): Promise<void>
}

export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.')
  const s = subject.split('.')
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i
    if (i >= s.length) return false
    if (f[i] !== '*' && f[i] !== s[i]) return false
  }
  return f.length === s.length
}

/** Subject tokens may not contain dots, spaces or wildcards. */
export function subjectToken(value: string): string {
  return value.replace(/[.\s*>]/g, '_')
}

/**
 * Subjects under `earshot.live.` are for live views only (presence, typing): delivered to subscribers
 * that are there, never stored in the durable stream.
 */
export const liveSubjectPrefix = 'earshot.live.'

export const subjects = {
  presence: (workspaceId: string) => `${liveSubjectPrefix}presence.${subjectToken(workspaceId)}`,
  inbound: (channel: string) => `earshot.inbound.${subjectToken(channel)}`,
  inboundAll: 'earshot.inbound.>',
  conversation: (workspaceId: string, conversationId: string) => `earshot.conversation.${subjectToken(workspaceId)}.${subjectToken(conversationId)}`,
  conversationAll: 'earshot.conversation.>',
}

export interface InboundReady {
  inboundIds: string[]
}

export interface ConversationEvent {
  type: 'conversation.created' | 'conversation.updated'
  workspaceId: string
  conversationId: string
}

/**
 * Tells live views a conversation changed. The change is already committed: a lost notification only
 * delays a view until its next refresh, so a failure here is not the caller's failure.
 */
export async function publishConversationUpdated(bus: Bus, workspaceId: string, conversationId: string): Promise<void> {
  const event: ConversationEvent = { type: 'conversation.updated', workspaceId, conversationId }
  await bus.publish(subjects.conversation(workspaceId, conversationId), event).catch(() => undefined)
}
