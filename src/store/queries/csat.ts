// Customer satisfaction (migration 0012): the workspace's survey settings, one survey per resolution
// (scheduled → sent → answered, or skipped with the reason), and the scores.
import type { ConversationStatus } from '../../core/model.ts'
import type { Sql } from '../db.ts'
import { storableText } from './inbound.ts'

export interface CsatSettings {
  enabled: boolean
  /** Channels that get surveys; empty: every channel that can send one. */
  channels: string[]
  /** The survey text; `{link}` is replaced by the survey link (appended when missing). */
  message: string
  /** Minutes after the resolution the survey is sent. */
  delayMinutes: number
  /** Public conversations (a public post answered publicly) get a survey too: by DM where the channel can, else as a public reply. */
  publicConversations: boolean
}

export const csatSettingsDefault: CsatSettings = {
  enabled: false,
  channels: [],
  message: 'Thanks for contacting us! How did we do? Rate us from 1 (bad) to 5 (great): {link} — or simply reply with a number from 1 to 5.',
  delayMinutes: 0,
  publicConversations: false,
}

export type SurveyStatus = 'scheduled' | 'sent' | 'answered' | 'skipped'

/** A scheduled survey with what the sender needs of its conversation. */
export interface DueSurvey {
  id: string
  workspaceId: string
  conversationId: string
  channel: string
  conversationStatus: ConversationStatus
  /** Any private customer message in the conversation (a DM, a mail, a chat). */
  private: boolean
  channelAccountId: string | null
}

export interface OpenSurvey {
  id: string
  workspaceId: string
  workspaceName: string
  conversationId: string
  agentId: string | null
  queueId: string | null
  channel: string
  status: SurveyStatus
  expiresAt: Date | null
}

export interface CsatResponseRow {
  id: string
  conversationId: string
  agentId: string | null
  queueId: string | null
  channel: string
  score: number
  comment: string | null
  source: 'link' | 'reply'
  at: string
}

export interface CsatFilter {
  from: Date
  to: Date
  agentId?: string
  queueId?: string
}

const filterSql = 'workspace_id = $1 and created_at >= $2 and created_at < $3 and ($4::uuid is null or agent_id = $4) and ($5::uuid is null or queue_id = $5)'
const filterParams = (workspaceId: string, f: CsatFilter) => [workspaceId, f.from, f.to, f.agentId ?? null, f.queueId ?? null]

interface SurveyDbRow { id: string; workspace_id: string; workspace_name: string; conversation_id: string; agent_id: string | null; queue_id: string | null; channel: string; status: SurveyStatus; expires_at: Date | null }
const toOpen = (r: SurveyDbRow): OpenSurvey => ({
  id: r.id, workspaceId: r.workspace_id, workspaceName: r.workspace_name, conversationId: r.conversation_id, agentId: r.agent_id, queueId: r.queue_id,
  channel: r.channel, status: r.status, expiresAt: r.expires_at === null ? null : new Date(r.expires_at),
})
const surveyColumns = 's.id, s.workspace_id, w.name as workspace_name, s.conversation_id, s.agent_id, s.queue_id, s.channel, s.status, s.expires_at'

export function csatQueries(sql: Sql) {
  return {
    async settings(workspaceId: string): Promise<CsatSettings> {
      const { rows } = await sql.query<{ enabled: boolean; channels: string[]; message: string; delay_minutes: number; public_conversations: boolean }>(
        'select enabled, channels, message, delay_minutes, public_conversations from csat_setting where workspace_id = $1', [workspaceId])
      const r = rows[0]
      return r === undefined ? { ...csatSettingsDefault } : { enabled: r.enabled, channels: r.channels, message: r.message, delayMinutes: r.delay_minutes, publicConversations: r.public_conversations }
    },
    async setSettings(workspaceId: string, s: CsatSettings): Promise<void> {
      await sql.query(
        `insert into csat_setting (workspace_id, enabled, channels, message, delay_minutes, public_conversations) values ($1, $2, $3, $4, $5, $6)
         on conflict (workspace_id) do update set enabled = excluded.enabled, channels = excluded.channels, message = excluded.message,
           delay_minutes = excluded.delay_minutes, public_conversations = excluded.public_conversations, updated_at = now()`,
        [workspaceId, s.enabled, s.channels, storableText(s.message), s.delayMinutes, s.publicConversations])
    },
    /** One survey per resolution (a second call for the same resolution does nothing). Null when none was created. */
    async schedule(conversationId: string, resolvedAt: Date, sendAt: Date): Promise<string | null> {
      const { rows } = await sql.query<{ id: string }>(
        `insert into csat_survey (workspace_id, conversation_id, contact_id, agent_id, queue_id, channel, resolved_at, send_at)
         select c.workspace_id, c.id, c.contact_id, c.assignee_id, c.queue_id, c.channel, $2, $3 from conversation c where c.id = $1
         on conflict (conversation_id, resolved_at) do nothing returning id`,
        [conversationId, resolvedAt, sendAt])
      return rows[0]?.id ?? null
    },
    /** Scheduled surveys whose time has come, locked for this transaction (other senders skip them). */
    async due(limit: number, now: Date): Promise<DueSurvey[]> {
      const { rows } = await sql.query<{ id: string; workspace_id: string; conversation_id: string; channel: string; status: ConversationStatus; private: boolean; channel_account_id: string | null }>(
        `select s.id, s.workspace_id, s.conversation_id, s.channel, c.status, c.channel_account_id,
           exists (select 1 from message m where m.conversation_id = c.id and m.direction = 'in' and m.visibility = 'private') as private
         from csat_survey s join conversation c on c.id = s.conversation_id
         where s.status = 'scheduled' and s.send_at <= $2 order by s.send_at, s.id limit $1 for update of s skip locked`,
        [limit, now])
      return rows.map((r) => ({ id: r.id, workspaceId: r.workspace_id, conversationId: r.conversation_id, channel: r.channel, conversationStatus: r.status, private: r.private, channelAccountId: r.channel_account_id }))
    },
    async markSent(id: string, s: { tokenHash: string; sentAt: Date; expiresAt: Date; outboxId: string }): Promise<void> {
      await sql.query("update csat_survey set status = 'sent', token_hash = $2, sent_at = $3, expires_at = $4, outbox_id = $5 where id = $1",
        [id, s.tokenHash, s.sentAt, s.expiresAt, s.outboxId])
    },
    async markSkipped(id: string, reason: string): Promise<void> {
      await sql.query("update csat_survey set status = 'skipped', skip_reason = $2 where id = $1", [id, storableText(reason).slice(0, 500)])
    },
    /** A conversation's surveys, oldest first, with their score when answered. */
    async surveyOf(conversationId: string): Promise<{ id: string; status: SurveyStatus; skipReason: string | null; resolvedAt: string; sendAt: string; sentAt: string | null; expiresAt: string | null; outboxId: string | null; score: number | null; comment: string | null }[]> {
      const { rows } = await sql.query<{ id: string; status: SurveyStatus; skip_reason: string | null; resolved_at: Date; send_at: Date; sent_at: Date | null; expires_at: Date | null; outbox_id: string | null; score: number | null; comment: string | null }>(
        `select s.id, s.status, s.skip_reason, s.resolved_at, s.send_at, s.sent_at, s.expires_at, s.outbox_id, r.score, r.comment
         from csat_survey s left join csat_response r on r.survey_id = s.id where s.conversation_id = $1 order by s.created_at, s.id`, [conversationId])
      const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString())
      return rows.map((r) => ({
        id: r.id, status: r.status, skipReason: r.skip_reason, resolvedAt: new Date(r.resolved_at).toISOString(), sendAt: new Date(r.send_at).toISOString(),
        sentAt: iso(r.sent_at), expiresAt: iso(r.expires_at), outboxId: r.outbox_id, score: r.score, comment: r.comment,
      }))
    },
    async byTokenHash(tokenHash: string): Promise<OpenSurvey | null> {
      const { rows } = await sql.query<SurveyDbRow>(
        `select ${surveyColumns} from csat_survey s join workspace w on w.id = s.workspace_id where s.token_hash = $1`, [tokenHash])
      return rows[0] === undefined ? null : toOpen(rows[0])
    },
    /**
     * The survey a customer's bare score answers: an unexpired sent one of this conversation, else the
     * latest one sent on the same channel to the same contact (a DM thread apart from the public post).
     */
    async openForReply(workspaceId: string, conversationId: string, channel: string, at: Date): Promise<OpenSurvey | null> {
      const { rows } = await sql.query<SurveyDbRow>(
        `select ${surveyColumns} from csat_survey s join workspace w on w.id = s.workspace_id
         where s.workspace_id = $1 and s.status = 'sent' and s.channel = $3 and s.expires_at > $4 and s.sent_at <= $4
           and (s.conversation_id = $2 or s.contact_id = (select contact_id from conversation where id = $2))
         order by (s.conversation_id = $2) desc, s.sent_at desc limit 1 for update of s`,
        [workspaceId, conversationId, channel, at])
      return rows[0] === undefined ? null : toOpen(rows[0])
    },
    /** Stores the score once: null when the survey was already answered (or is not open). */
    async answer(survey: OpenSurvey, r: { score: number; comment: string | null; source: 'link' | 'reply'; at: Date }): Promise<CsatResponseRow | null> {
      const { rowCount } = await sql.query("update csat_survey set status = 'answered' where id = $1 and status = 'sent'", [survey.id])
      if (rowCount !== 1) return null
      const { rows } = await sql.query<{ id: string; created_at: Date }>(
        `insert into csat_response (workspace_id, survey_id, conversation_id, agent_id, queue_id, channel, score, comment, source, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id, created_at`,
        [survey.workspaceId, survey.id, survey.conversationId, survey.agentId, survey.queueId, survey.channel, r.score, r.comment === null ? null : storableText(r.comment), r.source, r.at])
      return {
        id: rows[0]!.id, conversationId: survey.conversationId, agentId: survey.agentId, queueId: survey.queueId, channel: survey.channel,
        score: r.score, comment: r.comment, source: r.source, at: new Date(rows[0]!.created_at).toISOString(),
      }
    },
    /** Scores 1..5 → how many, within the filter. */
    async distribution(workspaceId: string, f: CsatFilter): Promise<Record<1 | 2 | 3 | 4 | 5, number>> {
      const { rows } = await sql.query<{ score: number; n: number }>(`select score, count(*)::int as n from csat_response where ${filterSql} group by score`, filterParams(workspaceId, f))
      const out = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 }
      for (const r of rows) if (r.score >= 1 && r.score <= 5) out[r.score as 1 | 2 | 3 | 4 | 5] = r.n
      return out
    },
    async responses(workspaceId: string, f: CsatFilter, limit: number): Promise<CsatResponseRow[]> {
      const { rows } = await sql.query<{ id: string; conversation_id: string; agent_id: string | null; queue_id: string | null; channel: string; score: number; comment: string | null; source: 'link' | 'reply'; created_at: Date }>(
        `select id, conversation_id, agent_id, queue_id, channel, score, comment, source, created_at from csat_response where ${filterSql}
         order by created_at desc, id desc limit $6`, [...filterParams(workspaceId, f), limit])
      return rows.map((r) => ({ id: r.id, conversationId: r.conversation_id, agentId: r.agent_id, queueId: r.queue_id, channel: r.channel, score: r.score, comment: r.comment, source: r.source, at: new Date(r.created_at).toISOString() }))
    },
  }
}
