import { Type, type Static } from '@sinclair/typebox'

export const PriorityReasonSchema = Type.Object({ code: Type.String(), label: Type.String(), points: Type.Number() })

export const StatusSchema = Type.Union(['new', 'open', 'pending', 'snoozed', 'resolved'].map((s) => Type.Literal(s)))

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

export const SentimentSchema = Type.Union([Type.Literal('negative'), Type.Literal('neutral'), Type.Literal('positive')])
export const IntentSchema = Type.Union(['complaint', 'question', 'praise', 'idea', 'spam', 'other'].map((s) => Type.Literal(s)))

export const ConversationSchema = Type.Object({
  id: Type.String(),
  workspaceId: Type.String(),
  channel: Type.String(),
  threadKey: Type.String(),
  status: StatusSchema,
  priority: Type.Integer(),
  priorityReasons: Type.Array(PriorityReasonSchema),
  queue: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
  assignee: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
  contact: Nullable(Type.Object({
    id: Type.String(),
    displayName: Nullable(Type.String()),
    handle: Nullable(Type.String()),
    followers: Nullable(Type.Integer()),
  })),
  preview: Type.String(),
  messageCount: Type.Integer(),
  lastMessageAt: Type.String({ format: 'date-time' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  version: Type.Integer(),
  lang: Nullable(Type.String()),
  sentiment: Nullable(SentimentSchema),
  sentimentScore: Nullable(Type.Number()),
  intent: Nullable(IntentSchema),
  riskFlags: Type.Array(Type.String()),
  channelAccountId: Nullable(Type.String()),
  slaDue: Nullable(Type.Object({
    state: Type.Union([Type.Literal('ok'), Type.Literal('warning'), Type.Literal('breached')]),
    metric: Nullable(Type.String({ description: 'first_response, next_response or resolution' })),
    dueAt: Nullable(Type.String({ format: 'date-time' })),
  }, { description: 'the SLA clock that runs out first; null without a policy or once resolved' })),
  tags: Type.Array(Type.String(), { description: 'normalised tags: lowercase, no spaces, at most 20' }),
  mergedInto: Nullable(Type.String({ description: 'set when this conversation was merged into another: the id of that one' })),
})

export const EngagementSchema = Type.Object({ likes: Type.Number(), reposts: Type.Number(), replies: Type.Number(), quotes: Type.Number() })

export const MessageSchema = Type.Object({
  id: Type.String(),
  channel: Type.String(),
  externalId: Type.String(),
  direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
  visibility: Type.Union([Type.Literal('public'), Type.Literal('private')]),
  text: Type.String(),
  langs: Type.Array(Type.String()),
  author: Nullable(Type.Object({
    identityId: Type.String(),
    externalUserId: Type.String(),
    handle: Nullable(Type.String()),
    displayName: Nullable(Type.String()),
    followers: Nullable(Type.Integer()),
    verified: Type.Boolean(),
  })),
  parentExternalId: Nullable(Type.String()),
  url: Nullable(Type.String()),
  engagement: Nullable(EngagementSchema),
  priority: Type.Integer(),
  priorityReasons: Type.Array(PriorityReasonSchema),
  lang: Nullable(Type.String()),
  sentiment: Nullable(SentimentSchema),
  sentimentScore: Nullable(Type.Number()),
  intent: Nullable(IntentSchema),
  riskFlags: Type.Array(Type.String()),
  pii: Type.Array(Type.Object({ kind: Type.String(), start: Type.Integer(), end: Type.Integer() })),
  listeningMatches: Type.Array(Type.String()),
  createdAt: Type.String(),
  receivedAt: Type.String(),
  editedAt: Nullable(Type.String()),
  deletedAt: Nullable(Type.String()),
  media: Type.Array(Type.Object({ kind: Type.String({ description: 'image, video, audio, link or file' }), url: Type.String(), alt: Nullable(Type.String()) }), { description: 'images, video and link cards as links (never fetched by Earshot)' }),
})

export const WorkspaceSchema = Type.Object({ id: Type.String(), slug: Type.String(), name: Type.String(), createdAt: Type.String() })

export const WorkspaceQuery = Type.Object({
  workspace: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'workspace slug or id; defaults to the token\'s workspace, else "default"' })),
})

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) })

export const IngestSummarySchema = Type.Object({
  units: Type.Integer(),
  ingested: Type.Integer(),
  updated: Type.Integer(),
  duplicates: Type.Integer(),
  deleted: Type.Integer(),
  skipped: Type.Integer(),
  unmatched: Type.Integer(),
  rejected: Type.Array(Type.Object({ origin: Nullable(Type.String()), reason: Type.String(), detail: Type.String() })),
})

export type ConversationStatusInput = Static<typeof StatusSchema>
