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
}

export interface ConversationDetail extends Conversation { messages: Message[] }

export interface Workspace { id: string; slug: string; name: string; createdAt: string }
export interface SessionInfo {
  csrfToken: string; expiresAt: string; via: 'password' | 'token'
  name: string; role: 'admin' | 'supervisor' | 'agent'; workspaceId: string | null; agentId: string | null
}
export interface Agent { id: string; name: string; email: string | null }

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
