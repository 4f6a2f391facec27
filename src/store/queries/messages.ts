import type { MediaLink } from '../../core/media.ts'
import type { Author, Engagement, NormalizedMessage, Priority, PriorityReason } from '../../core/model.ts'
import type { Intent, PiiMatch, RiskFlag, Sentiment, TriageFacts } from '../../core/triage-facts.ts'
import type { EngagementSnapshot } from '../../core/amplification.ts'
import type { Sql } from '../db.ts'
import { storableText } from './inbound.ts'

export interface StoredMessageRef {
  id: string
  conversationId: string
  text: string
  engagement: Engagement | null
  deleted: boolean
  threadKey: string
  engagementHistory: EngagementSnapshot[]
}

function triageParams(t: TriageFacts): unknown[] {
  return [t.lang, t.langConfidence, t.sentiment, t.sentimentScore, t.intent, t.intentConfidence, t.riskFlags, JSON.stringify(t.pii)]
}

/** JSON for a jsonb column: jsonb refuses \u0000 and lone surrogates inside strings. */
export function storableJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) => (typeof v === 'string' ? storableText(v) : v))
}

export function messageQueries(sql: Sql) {
  return {
    async byExternalId(workspaceId: string, channel: string, externalId: string): Promise<StoredMessageRef | null> {
      return (await this.byExternalIds(workspaceId, channel, [externalId])).get(externalId) ?? null
    },
    /** The stored state of many messages at once (a batch's messages and their parents), by external id. */
    async byExternalIds(workspaceId: string, channel: string, externalIds: string[]): Promise<Map<string, StoredMessageRef>> {
      const { rows } = await sql.query<{ external_id: string; id: string; conversation_id: string; text: string; engagement: Engagement | null; deleted: boolean; thread_key: string; engagement_history: EngagementSnapshot[] }>(
        `select m.external_id, m.id, m.conversation_id, m.text, m.engagement, m.deleted_at is not null as deleted, c.thread_key, m.engagement_history
         from message m join conversation c on c.id = m.conversation_id
         where m.workspace_id = $1 and m.channel = $2 and m.external_id = any($3::text[])`,
        [workspaceId, channel, externalIds.map(storableText)],
      )
      return new Map(rows.map((r) => [r.external_id, {
        id: r.id, conversationId: r.conversation_id, text: r.text, engagement: r.engagement, deleted: r.deleted, threadKey: r.thread_key, engagementHistory: r.engagement_history,
      }]))
    },
    async insert(m: { workspaceId: string; conversationId: string; identityId: string | null; msg: NormalizedMessage; triage: TriageFacts; priority: Priority; listeningMatches: string[]; engagementHistory: EngagementSnapshot[] }): Promise<string> {
      const { msg, triage } = m
      const { rows } = await sql.query<{ id: string }>(
        `insert into message (workspace_id, conversation_id, channel, external_id, direction, visibility, identity_id, text, langs,
           parent_external_id, thread_external_id, url, engagement, priority, priority_reasons, raw, created_at,
           lang, lang_confidence, sentiment, sentiment_score, intent, intent_confidence, risk_flags, pii, listening_matches, engagement_history, media)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15::jsonb, $16::jsonb, $17,
           $18, $19, $20, $21, $22, $23, $24, $25::jsonb, $26, $27::jsonb, $28::jsonb)
         returning id`,
        [
          m.workspaceId, m.conversationId, msg.channel, msg.externalId, msg.direction, msg.visibility, m.identityId,
          storableText(msg.text), msg.langs.map(storableText), msg.parentExternalId, msg.threadExternalId, msg.url,
          msg.engagement === null ? null : JSON.stringify(msg.engagement), m.priority.score, JSON.stringify(m.priority.reasons),
          storableJson(msg.raw), msg.createdAt, ...triageParams(triage), m.listeningMatches, JSON.stringify(m.engagementHistory),
          storableJson(msg.media ?? []),
        ],
      )
      return rows[0]!.id
    },
    async update(id: string, msg: NormalizedMessage, triage: TriageFacts, priority: Priority, edited: boolean, listeningMatches: string[], engagementHistory: EngagementSnapshot[]): Promise<void> {
      await sql.query(
        `update message set text = $2, engagement = coalesce($3::jsonb, engagement), priority = $4, priority_reasons = $5::jsonb,
           raw = $6::jsonb, edited_at = case when $7 then now() else edited_at end,
           lang = $8, lang_confidence = $9, sentiment = $10, sentiment_score = $11, intent = $12, intent_confidence = $13,
           risk_flags = $14, pii = $15::jsonb, listening_matches = $16, engagement_history = $17::jsonb,
           media = coalesce($18::jsonb, media)
         where id = $1`,
        [id, storableText(msg.text), msg.engagement === null ? null : JSON.stringify(msg.engagement), priority.score,
          JSON.stringify(priority.reasons), storableJson(msg.raw), edited, ...triageParams(triage), listeningMatches, JSON.stringify(engagementHistory),
          msg.media === undefined ? null : storableJson(msg.media)],
      )
    },
    /** What the priority score needs about a stored message, for re-scoring after a correction. */
    async scoringFacts(workspaceId: string, id: string) {
      const { rows } = await sql.query<{
        conversation_id: string; intent: Intent | null; sentiment: Sentiment | null; sentiment_score: number | null; risk_flags: RiskFlag[]
        engagement: Engagement | null; engagement_history: EngagementSnapshot[]; visibility: 'public' | 'private'; direction: 'in' | 'out'
        deleted: boolean; followers: number | null; verified: boolean | null
      }>(
        `select m.conversation_id, m.intent, m.sentiment, m.sentiment_score, m.risk_flags, m.engagement, m.engagement_history,
           m.visibility, m.direction, m.deleted_at is not null as deleted, i.followers, i.verified
         from message m left join identity i on i.id = m.identity_id where m.workspace_id = $1 and m.id = $2`,
        [workspaceId, id],
      )
      return rows[0] ?? null
    },
    /**
     * The optional LLM's sentiment and intent for a message whose text is still `text`, unless an agent
     * corrected it or it was deleted meanwhile. Returns the message id and the triage it replaced, or null.
     */
    async refineTriage(workspaceId: string, channel: string, externalId: string, text: string,
      t: { sentiment: Sentiment; sentimentScore: number; intent: Intent; intentConfidence: number }): Promise<{ id: string; sentiment: Sentiment | null; intent: Intent | null } | null> {
      const { rows } = await sql.query<{ id: string; sentiment: Sentiment | null; intent: Intent | null }>(
        `update message m set sentiment = $5, sentiment_score = $6, intent = $7, intent_confidence = $8
         from (select id, sentiment, intent from message where workspace_id = $1 and channel = $2 and external_id = $3 for update) old
         where m.id = old.id and m.text = $4 and m.deleted_at is null
           and not exists (select 1 from triage_correction c where c.message_id = m.id)
         returning m.id, old.sentiment, old.intent`,
        [workspaceId, channel, externalId, storableText(text), t.sentiment, t.sentimentScore, t.intent, t.intentConfidence],
      )
      return rows[0] ?? null
    },
    async setPriority(id: string, priority: Priority): Promise<void> {
      await sql.query('update message set priority = $2, priority_reasons = $3::jsonb where id = $1', [id, priority.score, JSON.stringify(priority.reasons)])
    },
    async markDeleted(id: string): Promise<void> {
      await sql.query(`update message set deleted_at = now(), priority = 0, priority_reasons = '[]' where id = $1`, [id])
    },
  }
}

export interface MessageView {
  id: string
  channel: string
  externalId: string
  direction: 'in' | 'out'
  visibility: 'public' | 'private'
  text: string
  langs: string[]
  author: (Author & { identityId: string }) | null
  parentExternalId: string | null
  url: string | null
  engagement: Engagement | null
  priority: number
  priorityReasons: PriorityReason[]
  lang: string | null
  sentiment: Sentiment | null
  sentimentScore: number | null
  intent: Intent | null
  riskFlags: RiskFlag[]
  /** Personal-data spans in `text`, so a public view can mask them. */
  pii: PiiMatch[]
  /** Ids of the listening rules this message matched. */
  listeningMatches: string[]
  createdAt: string
  receivedAt: string
  editedAt: string | null
  deletedAt: string | null
  media: MediaLink[]
}

interface MessageViewRow {
  id: string
  channel: string
  external_id: string
  direction: 'in' | 'out'
  visibility: 'public' | 'private'
  text: string
  langs: string[]
  identity_id: string | null
  external_user_id: string | null
  handle: string | null
  display_name: string | null
  followers: number | null
  verified: boolean | null
  parent_external_id: string | null
  url: string | null
  engagement: Engagement | null
  priority: number
  priority_reasons: PriorityReason[]
  lang: string | null
  sentiment: Sentiment | null
  sentiment_score: number | null
  intent: Intent | null
  risk_flags: RiskFlag[]
  pii: PiiMatch[]
  listening_matches: string[]
  created_at: Date
  received_at: Date
  edited_at: Date | null
  deleted_at: Date | null
  media: MediaLink[]
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString())

export async function listConversationMessages(sql: Sql, conversationId: string, limit: number): Promise<MessageView[]> {
  const { rows } = await sql.query<MessageViewRow>(
    `select m.id, m.channel, m.external_id, m.direction, m.visibility, m.text, m.langs, m.identity_id, i.external_user_id,
       i.handle, i.display_name, i.followers, i.verified, m.parent_external_id, m.url, m.engagement, m.priority,
       m.priority_reasons, m.lang, m.sentiment, m.sentiment_score, m.intent, m.risk_flags, m.pii, m.listening_matches,
       m.created_at, m.received_at, m.edited_at, m.deleted_at, m.media
     from message m left join identity i on i.id = m.identity_id
     where m.conversation_id = $1 order by m.created_at, m.seq limit $2`,
    [conversationId, limit],
  )
  return rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    externalId: r.external_id,
    direction: r.direction,
    visibility: r.visibility,
    text: r.deleted_at === null ? r.text : '',
    langs: r.langs,
    author: r.identity_id === null || r.external_user_id === null ? null : {
      identityId: r.identity_id, externalUserId: r.external_user_id, handle: r.handle, displayName: r.display_name,
      followers: r.followers, verified: r.verified ?? false,
    },
    parentExternalId: r.parent_external_id,
    url: r.url,
    engagement: r.engagement,
    priority: r.priority,
    priorityReasons: r.priority_reasons,
    lang: r.lang,
    sentiment: r.sentiment,
    sentimentScore: r.sentiment_score,
    intent: r.intent,
    riskFlags: r.risk_flags,
    pii: r.deleted_at === null ? r.pii : [],
    listeningMatches: r.listening_matches,
    createdAt: iso(r.created_at)!,
    receivedAt: iso(r.received_at)!,
    editedAt: iso(r.edited_at),
    deletedAt: iso(r.deleted_at),
    media: r.deleted_at === null ? r.media : [],
  }))
}
