import { isUuid } from '../../core/ids.ts'
import type { Sql } from '../db.ts'

export interface ListeningRuleRow {
  id: string
  name: string
  query: string
  tags: string[]
  enabled: boolean
  createdAt: string
  updatedAt: string
}

interface Row {
  id: string
  name: string
  query: string
  tags: string[]
  enabled: boolean
  created_at: Date
  updated_at: Date
}

const toRule = (r: Row): ListeningRuleRow => ({
  id: r.id, name: r.name, query: r.query, tags: r.tags, enabled: r.enabled,
  createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
})

const columns = 'id, name, query, tags, enabled, created_at, updated_at'

export function listeningQueries(sql: Sql) {
  return {
    async list(workspaceId: string, onlyEnabled = false): Promise<ListeningRuleRow[]> {
      const { rows } = await sql.query<Row>(
        `select ${columns} from listening_rule where workspace_id = $1 ${onlyEnabled ? 'and enabled' : ''} order by created_at, name`,
        [workspaceId],
      )
      return rows.map(toRule)
    },
    async get(workspaceId: string, id: string): Promise<ListeningRuleRow | null> {
      if (!isUuid(id)) return null
      const { rows } = await sql.query<Row>(`select ${columns} from listening_rule where workspace_id = $1 and id = $2`, [workspaceId, id])
      return rows[0] ? toRule(rows[0]) : null
    },
    /** Inserts, or returns null when the name is taken. */
    async create(workspaceId: string, r: { name: string; query: string; tags: string[]; enabled: boolean }): Promise<ListeningRuleRow | null> {
      const { rows } = await sql.query<Row>(
        `insert into listening_rule (workspace_id, name, query, tags, enabled) values ($1, $2, $3, $4, $5)
         on conflict (workspace_id, name) do nothing returning ${columns}`,
        [workspaceId, r.name, r.query, r.tags, r.enabled],
      )
      return rows[0] ? toRule(rows[0]) : null
    },
    async update(workspaceId: string, id: string, r: { name?: string; query?: string; tags?: string[]; enabled?: boolean }): Promise<ListeningRuleRow | null> {
      const { rows } = await sql.query<Row>(
        `update listening_rule set name = coalesce($3, name), query = coalesce($4, query), tags = coalesce($5, tags),
           enabled = coalesce($6, enabled), updated_at = now()
         where workspace_id = $1 and id = $2 returning ${columns}`,
        [workspaceId, id, r.name ?? null, r.query ?? null, r.tags ?? null, r.enabled ?? null],
      )
      return rows[0] ? toRule(rows[0]) : null
    },
    async remove(workspaceId: string, id: string): Promise<boolean> {
      if (!isUuid(id)) return false
      const { rowCount } = await sql.query('delete from listening_rule where workspace_id = $1 and id = $2', [workspaceId, id])
      return rowCount === 1
    },
    /** A fingerprint that changes whenever the workspace's rules change: lets a cache know it is stale. */
    async fingerprint(workspaceId: string): Promise<string> {
      const { rows } = await sql.query<{ f: string }>(
        `select count(*)::text || ':' || coalesce(max(updated_at)::text, '') as f from listening_rule where workspace_id = $1`,
        [workspaceId],
      )
      return rows[0]?.f ?? ''
    },
    async countDropped(workspaceId: string, channel: string, n: number): Promise<void> {
      if (n <= 0) return
      await sql.query(
        `insert into listening_drop (workspace_id, channel, day, dropped) values ($1, $2, current_date, $3)
         on conflict (workspace_id, channel, day) do update set dropped = listening_drop.dropped + excluded.dropped`,
        [workspaceId, channel, n],
      )
    },
    async dropped(workspaceId: string): Promise<{ channel: string; day: string; dropped: number }[]> {
      const { rows } = await sql.query<{ channel: string; day: string; dropped: number }>(
        `select channel, day::text as day, dropped from listening_drop where workspace_id = $1 order by day desc, channel limit 400`,
        [workspaceId],
      )
      return rows
    },
    /** The latest customer messages, as the listening matcher reads them (for a rule's preview). */
    async recentMessages(workspaceId: string, limit: number): Promise<{ id: string; conversationId: string; channel: string; text: string; langs: string[]; lang: string | null; authorHandle: string | null; createdAt: string }[]> {
      const { rows } = await sql.query<{ id: string; conversation_id: string; channel: string; text: string; langs: string[]; lang: string | null; handle: string | null; created_at: Date }>(
        `select m.id, m.conversation_id, m.channel, m.text, m.langs, m.lang, i.handle, m.created_at
         from message m left join identity i on i.id = m.identity_id
         where m.workspace_id = $1 and m.direction = 'in' and m.deleted_at is null
         order by m.created_at desc, m.id limit $2`,
        [workspaceId, limit],
      )
      return rows.map((r) => ({ id: r.id, conversationId: r.conversation_id, channel: r.channel, text: r.text, langs: r.langs, lang: r.lang, authorHandle: r.handle, createdAt: new Date(r.created_at).toISOString() }))
    },
  }
}
