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
