// Shapes of the Earshot REST API (src/api/schemas.ts on the server).

export const statuses = ['new', 'open', 'pending', 'snoozed', 'resolved'] as const
export type Status = (typeof statuses)[number]

export const sentiments = ['negative', 'neutral', 'positive'] as const
export type Sentiment = (typeof sentiments)[number]

export const intents = ['complaint', 'question', 'praise', 'idea', 'spam', 'other'] as const
export type Intent = (typeof intents)[number]

export interface PriorityReason { code: string; label: string; points: number }

export interface Conversation {
  id: string
  workspaceId: string
  channel: string
  threadKey: string
  status: Status
  priority: number
  priorityReasons: PriorityReason[]
  queue: { id: string; name: string } | null
  assignee: { id: string; name: string } | null
  contact: { id: string; displayName: string | null; handle: string | null; followers: number | null } | null
  preview: string
  messageCount: number
  lastMessageAt: string
  createdAt: string
  updatedAt: string
  version: number
  lang: string | null
  sentiment: Sentiment | null
  sentimentScore: number | null
  intent: Intent | null
  riskFlags: string[]
  /** The SLA clock that runs out first; null without a policy or once resolved. */
  slaDue?: { state: 'ok' | 'warning' | 'breached'; metric: string | null; dueAt: string | null } | null
  /** Normalised tags, sorted. */
  tags: string[]
  /** Set when merged into another conversation: its id. */
  mergedInto: string | null
}

export interface PiiSpan { kind: string; start: number; end: number }

export interface Message {
  id: string
  channel: string
  externalId: string
  direction: 'in' | 'out'
  visibility: 'public' | 'private'
  text: string
  langs: string[]
  author: { identityId: string; externalUserId: string; handle: string | null; displayName: string | null; followers: number | null; verified: boolean } | null
  parentExternalId: string | null
  url: string | null
  engagement: { likes: number; reposts: number; replies: number; quotes: number } | null
  priority: number
  priorityReasons: PriorityReason[]
  lang: string | null
  sentiment: Sentiment | null
  sentimentScore: number | null
  intent: Intent | null
  riskFlags: string[]
  pii: PiiSpan[]
  listeningMatches: string[]
  createdAt: string
  receivedAt: string
  editedAt: string | null
  deletedAt: string | null
  /** Images, video and link cards, as links. */
  media?: { kind: string; url: string; alt: string | null }[]
}

export interface ConversationDetail extends Conversation { messages: Message[] }

export interface Workspace { id: string; slug: string; name: string; createdAt: string }
export interface SessionInfo {
  csrfToken: string; expiresAt: string; via: 'password' | 'token'
  name: string; role: 'admin' | 'supervisor' | 'agent'; workspaceId: string | null; agentId: string | null
}
export interface Agent { id: string; name: string; email: string | null }
export type Presence = 'online' | 'away' | 'offline' | 'break'
export interface Capacity { public: number; private: number; email: number }
export interface AgentRouting extends Agent {
  presence: Presence
  capacity: Capacity
  load: { conversationId: string; kind: string; units: number }[]
  skills: { name: string; level: number }[]
  languages: string[]
  workingHours: unknown
  queueIds: string[] | null
}
/** PATCH /agents/:id */
export interface AgentRoutingChange { skills?: { name: string; level: number }[]; languages?: string[]; capacity?: Capacity; presence?: Presence }

export const listeningTags = ['brand', 'competitor', 'product', 'campaign'] as const
export type ListeningTag = (typeof listeningTags)[number]

export interface ListeningRule {
  id: string
  name: string
  query: string
  tags: string[]
  enabled: boolean
  createdAt: string
  updatedAt: string
}

export type StreamEvent =
  | { type: 'hello' }
  | { type: 'conversation.created' | 'conversation.updated'; conversation: Conversation }
  | { type: 'note.created' | 'mention.created'; conversationId: string; note: Note }

export interface Note {
  id: string
  conversationId: string
  author: { agentId: string | null; name: string }
  text: string
  mentions: { agentId: string; name: string; handle: string; seenAt: string | null }[]
  createdAt: string
}

export interface UnseenMentions { mentions: number; conversations: number }

export interface ContactConversation {
  id: string
  channel: string
  status: Status
  preview: string
  messageCount: number
  lastMessageAt: string
  createdAt: string
}

export interface Contact {
  id: string
  displayName: string | null
  vip: boolean
  identities: { channel: string; externalUserId: string; handle: string | null; displayName: string | null; followers: number | null; verified: boolean }[]
  conversations: ContactConversation[]
}

/** Inbox views beyond status: a tag, or mentions of the signed-in agent (optionally unseen only). */
export interface InboxFilter { tag?: string; mentions?: 'me'; unseen?: boolean }

export interface CannedResponse { id: string; title: string; body: string; language: string; channels: string[] | null; intents: string[] }
export interface CannedInput { title: string; body: string; language: string; channels: string[] | null; intents: string[] }
/** 400 INVALID_TEMPLATE details. */
export interface TemplateProblem { kind: string; detail: string }

// Automations (src/workflow/automation.ts) and the condition language they share with queues (src/routing/conditions.ts).
export type ConditionOp = 'eq' | 'neq' | 'in' | 'nin' | 'gte' | 'lte' | 'contains'
export type ConditionValue = string | number | boolean | string[] | number[]
export interface FieldCondition { field: string; op: ConditionOp; value: ConditionValue }
export type Condition = FieldCondition | { all: Condition[] } | { any: Condition[] } | { not: Condition }
export const automationEvents = ['message.created', 'conversation.updated'] as const
export type AutomationEvent = (typeof automationEvents)[number]
export type AutomationAction =
  | { type: 'set_queue'; queueId: string }
  | { type: 'add_tag'; tag: string }
  | { type: 'set_status'; status: Status }
  | { type: 'set_priority_override'; score: number }
  | { type: 'hide' }
  | { type: 'assign'; agentId: string }
export interface AutomationDraft { name: string; enabled?: boolean; when: AutomationEvent; if: Condition | null; then: AutomationAction[]; stop: boolean; position?: number }
export interface Automation {
  id: string; position: number; name: string; enabled: boolean; when: string; if: unknown; then: unknown[]; stop: boolean
  /** Set when the stored rule no longer validates (it is skipped). */
  problem: string | null
  createdAt: string; updatedAt: string
}
export interface DryRunRow { ruleId: string; name: string; matched: number; wouldFire: number; total: number; examples: string[] }
export interface DryRunResult { total: number; items: DryRunRow[] }
export interface AutomationRun { ruleId: string | null; conversationId: string; event: string; action: unknown; outcome: string; at: string }

// Routing (src/api/routes/routing.ts)
export interface RoutingQueue {
  id: string; name: string; isDefault: boolean; conditions: unknown; languages: string[]
  requiredSkills: { name: string; levelMin: number }[]; priority: number; position: number
  overflow: { afterSeconds: number; toQueueId: string } | null; slaPolicyId: string | null
}
export interface RoutingQueueChange { name?: string; position?: number; languages?: string[]; slaPolicyId?: string | null }
export const priorityBands = ['urgent', 'high', 'normal', 'low'] as const
export type PriorityBand = (typeof priorityBands)[number]
export interface SlaTargets { firstResponseMinutes: number | null; nextResponseMinutes: number | null; resolutionMinutes: number | null }
export interface SlaPolicyView {
  id: string; name: string
  policy: { calendar?: unknown; targets?: Partial<Record<PriorityBand, SlaTargets>>; warningPercent?: number; bandsMin?: Record<string, number> }
  createdAt: string; updatedAt: string
}
export interface CannedSuggestion {
  canned: CannedResponse; score: number; reasons: string[]
  /** Rendered for this conversation; null when it cannot be sent as is. */
  text: string | null; graphemes: number | null; limit: number | null
  problems: { kind: string; detail: string }[]
}
export interface ReplyCollision { replies: number; unseen: { by: string | null; at: string; status: string; text: string }[] }

export type ReplyStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'held' | 'cancelled'

export interface Reply {
  id: string
  conversationId: string
  channel: string
  action: string
  text: string
  visibility: 'public' | 'private'
  status: ReplyStatus
  attempts: number
  nextAttemptAt: string
  lastError: string | null
  failureCode: string | null
  externalId: string | null
  messageId: string | null
  idempotencyKey: string
  requestedBy: string | null
  createdAt: string
  sentAt: string | null
}

export interface ChannelInfo {
  name: string
  label: string
  replyLengthMax: number | null
  webhook: boolean
  source: boolean
  send: string[]
  settings: string[]
  secrets: string[]
}

export type AccountHealth = 'unknown' | 'ok' | 'error'

export interface ChannelAccount {
  id: string
  channel: string
  name: string
  settings: Record<string, string>
  /** Names of the secrets that are set; their values never come back. */
  secretsSet: string[]
  enabled: boolean
  health: AccountHealth
  lastError: string | null
  webhookPath: string | null
  capabilities: { webhook: boolean; source: boolean; send: string[]; testConnection: boolean }
  createdAt: string
  updatedAt: string
}

export interface NewChannelAccount {
  channel: string
  name: string
  settings: Record<string, string>
  secrets: Record<string, string>
  enabled: boolean
}

/** PATCH body: settings and secrets are merged; null removes a key. */
export interface ChannelAccountChange {
  name?: string
  settings?: Record<string, string | null>
  secrets?: Record<string, string | null>
  enabled?: boolean
}

export interface ConnectionTest { ok: boolean; detail: string }

export interface QueueLoad {
  id: string | null
  name: string
  open: number
  unassigned: number
  waiting: number
  longestWaitSeconds: number | null
  oldestWaitingSince: string | null
  slaAtRisk: number
  slaBreached: number
}

export interface HourBucket {
  start: string
  end: string
  inbound: number
  negative: number
  neutral: number
  positive: number
  outbound: number
}

export interface Wallboard {
  workspace: { id: string; slug: string; name: string }
  generatedAt: string
  totals: {
    byStatus: Record<Status, number>
    open: number
    unassigned: number
    waiting: number
    longestWaitSeconds: number | null
    slaAtRisk: number
    slaBreached: number
  }
  queues: QueueLoad[]
  agents: { id: string; name: string; open: number }[]
  hourly: HourBucket[]
  replies: { sent: number; failed: number; pending: number; held: number }
  spike: { flagged: boolean; lastHourInbound: number; baselineMean: number; baselineStddev: number; threshold: number }
  /** Satisfaction scores since 00:00 UTC; null percent/average without responses. */
  csat: { since: string; count: number; average: number | null; csatPercent: number | null }
}

export interface HeldReply extends Reply {
  approvalReasons: string[]
  conversationPreview: string
  conversationPriority: number
}

export interface RulePreview {
  scanned: number
  matched: number
  examples: { messageId: string; conversationId: string; channel: string; author: string | null; text: string; createdAt: string }[]
}
