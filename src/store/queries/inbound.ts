import type { Sql } from '../db.ts'

export interface InboundRow {
  id: string
  workspaceId: string
  channel: string
  body: string
  origin: string | null
  receivedAt: Date
  /** The channel account whose webhook or source received the unit. */
  accountId: string | null
}

export interface NewInbound {
  body: string
  origin: string | null
}

interface Row {
  id: string
  workspace_id: string
  channel: string
  body: string
  origin: string | null
  received_at: Date
  channel_account_id: string | null
}

const toInbound = (r: Row): InboundRow => ({ id: r.id, workspaceId: r.workspace_id, channel: r.channel, body: r.body, origin: r.origin, receivedAt: new Date(r.received_at), accountId: r.channel_account_id })

/** PostgreSQL text holds neither NUL nor lone UTF-16 surrogates; they become U+FFFD so the rest is kept. */
export function storableText(text: string): string {
  const wellFormed = text.isWellFormed() ? text : text.toWellFormed() // lone surrogates → U+FFFD
  return wellFormed.includes('\u0000') ? wellFormed.replaceAll('\u0000', '\uFFFD') : wellFormed
}

export function inboundQueries(sql: Sql) {
  return {
    /**
     * Appends raw units to the durable log; returns their ids in order. One multi-row insert per call.
     * `accountId`: the channel account a webhook or source received the units for (null for ingest files).
     */
    async append(workspaceId: string, channel: string, units: NewInbound[], accountId: string | null = null): Promise<string[]> {
      if (units.length === 0) return []
      const params: unknown[] = [workspaceId, channel, accountId]
      const values = units.map((u, i) => {
        params.push(storableText(u.body), u.origin)
        return `($1, $2, $3::uuid, $${4 + i * 2}, $${5 + i * 2})`
      })
      const { rows } = await sql.query<{ id: string }>(
        `insert into inbound_log (workspace_id, channel, channel_account_id, body, origin) values ${values.join(', ')} returning id::text as id`,
        params,
      )
      return rows.map((r) => r.id)
    },
    /** Claims pending rows for processing; SKIP LOCKED lets several workers share the log. Call inside a transaction. */
    async claim(opts: { ids?: string[]; limit: number; olderThanMs?: number }): Promise<InboundRow[]> {
      const where = ['status = $1']
      const params: unknown[] = ['pending']
      if (opts.ids !== undefined) {
        params.push(opts.ids)
        where.push(`id = any($${params.length}::bigint[])`)
      }
      if (opts.olderThanMs !== undefined) {
        params.push(opts.olderThanMs)
        where.push(`received_at < now() - ($${params.length}::int * interval '1 millisecond')`)
      }
      params.push(opts.limit)
      const { rows } = await sql.query<Row>(
        `select id::text as id, workspace_id, channel, body, origin, received_at, channel_account_id from inbound_log
         where ${where.join(' and ')} order by inbound_log.id limit $${params.length} for update skip locked`,
        params,
      )
      return rows.map(toInbound)
    },
    async markDone(ids: string[]): Promise<void> {
      if (ids.length === 0) return
      await sql.query(`update inbound_log set status = 'done', processed_at = now() where id = any($1::bigint[])`, [ids])
    },
    async markRejected(id: string, error: string): Promise<void> {
      await sql.query(`update inbound_log set status = 'rejected', error = $2, processed_at = now() where id = $1::bigint`, [id, error])
    },
    async countPending(): Promise<number> {
      const { rows } = await sql.query<{ n: number }>(`select count(*)::int as n from inbound_log where status = 'pending'`)
      return rows[0]?.n ?? 0
    },
  }
}

export function deadLetterQueries(sql: Sql) {
  return {
    async add(d: { workspaceId: string; channel: string; inboundId: string | null; reason: string; detail: string; body: string }): Promise<void> {
      await sql.query(
        'insert into dead_letter (workspace_id, channel, inbound_id, reason, detail, body) values ($1, $2, $3::bigint, $4, $5, $6)',
        [d.workspaceId, d.channel, d.inboundId, d.reason, d.detail, storableText(d.body)],
      )
    },
    async list(workspaceId: string, limit: number) {
      const { rows } = await sql.query<{ id: string; channel: string; inbound_id: string | null; reason: string; detail: string; body: string; created_at: Date }>(
        `select id, channel, inbound_id::text as inbound_id, reason, detail, left(body, 2000) as body, created_at
         from dead_letter where workspace_id = $1 order by created_at desc limit $2`,
        [workspaceId, limit],
      )
      return rows.map((r) => ({ id: r.id, channel: r.channel, inboundId: r.inbound_id, reason: r.reason, detail: r.detail, body: r.body, createdAt: new Date(r.created_at) }))
    },
  }
}
