import { isUuid } from '../../core/ids.ts'
import type { Sql } from '../db.ts'

export type AccountHealth = 'unknown' | 'ok' | 'error'

export interface ChannelAccountRow {
  id: string
  workspaceId: string
  channel: string
  name: string
  settings: Record<string, string>
  /** Encrypted secrets (SecretBox); null when none were given. */
  sealedSecrets: Buffer | null
  cursor: unknown
  enabled: boolean
  health: AccountHealth
  lastError: string | null
  createdAt: string
  updatedAt: string
}

interface Row {
  id: string
  workspace_id: string
  channel: string
  name: string
  settings: Record<string, string>
  credentials_enc: Buffer | Uint8Array | null
  cursor: unknown
  enabled: boolean
  health: AccountHealth
  last_error: string | null
  created_at: Date
  updated_at: Date
}

const columns = 'id, workspace_id, channel, name, settings, credentials_enc, cursor, enabled, health, last_error, created_at, updated_at'

const toAccount = (r: Row): ChannelAccountRow => ({
  id: r.id, workspaceId: r.workspace_id, channel: r.channel, name: r.name, settings: r.settings,
  sealedSecrets: r.credentials_enc === null ? null : Buffer.from(r.credentials_enc),
  cursor: r.cursor, enabled: r.enabled, health: r.health, lastError: r.last_error,
  createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
})

export function channelAccountQueries(sql: Sql) {
  return {
    async list(workspaceId: string): Promise<ChannelAccountRow[]> {
      const { rows } = await sql.query<Row>(`select ${columns} from channel_account where workspace_id = $1 order by channel, name`, [workspaceId])
      return rows.map(toAccount)
    },
    /** Every enabled account of every workspace: what the source loops run. */
    async listEnabled(): Promise<ChannelAccountRow[]> {
      const { rows } = await sql.query<Row>(`select ${columns} from channel_account where enabled order by created_at`)
      return rows.map(toAccount)
    },
    /** By id alone: webhooks name the account in their URL and carry no workspace token. */
    async byId(id: string): Promise<ChannelAccountRow | null> {
      if (!isUuid(id)) return null
      const { rows } = await sql.query<Row>(`select ${columns} from channel_account where id = $1`, [id])
      return rows[0] ? toAccount(rows[0]) : null
    },
    async get(workspaceId: string, id: string): Promise<ChannelAccountRow | null> {
      const account = await this.byId(id)
      return account?.workspaceId === workspaceId ? account : null
    },
    /** The account replies of a channel go out through when the conversation names none: the oldest enabled one. */
    async firstFor(workspaceId: string, channel: string): Promise<ChannelAccountRow | null> {
      const { rows } = await sql.query<Row>(
        `select ${columns} from channel_account where workspace_id = $1 and channel = $2 and enabled order by created_at, id limit 1`,
        [workspaceId, channel],
      )
      return rows[0] ? toAccount(rows[0]) : null
    },
    /** Inserts, or returns null when the name is taken for this channel. */
    async create(workspaceId: string, a: { channel: string; name: string; settings: Record<string, string>; sealedSecrets: Buffer | null; enabled: boolean }): Promise<ChannelAccountRow | null> {
      const { rows } = await sql.query<Row>(
        `insert into channel_account (workspace_id, channel, name, settings, credentials_enc, enabled)
         values ($1, $2, $3, $4::jsonb, $5, $6)
         on conflict (workspace_id, channel, name) do nothing returning ${columns}`,
        [workspaceId, a.channel, a.name, JSON.stringify(a.settings), a.sealedSecrets, a.enabled],
      )
      return rows[0] ? toAccount(rows[0]) : null
    },
    async update(workspaceId: string, id: string, a: { name?: string; settings?: Record<string, string>; sealedSecrets?: Buffer | null; enabled?: boolean }): Promise<ChannelAccountRow | null> {
      if (!isUuid(id)) return null
      const { rows } = await sql.query<Row>(
        `update channel_account set name = coalesce($3, name), settings = coalesce($4::jsonb, settings),
           credentials_enc = case when $5 then $6 else credentials_enc end, enabled = coalesce($7, enabled), updated_at = now()
         where workspace_id = $1 and id = $2 returning ${columns}`,
        [workspaceId, id, a.name ?? null, a.settings === undefined ? null : JSON.stringify(a.settings), a.sealedSecrets !== undefined, a.sealedSecrets ?? null, a.enabled ?? null],
      )
      return rows[0] ? toAccount(rows[0]) : null
    },
    async remove(workspaceId: string, id: string): Promise<boolean> {
      if (!isUuid(id)) return false
      const { rows } = await sql.query(`delete from channel_account where workspace_id = $1 and id = $2 returning id`, [workspaceId, id])
      return rows.length > 0
    },
    /** Settings of every account of a channel in a workspace (the brand's own ids are in them). */
    async settingsOf(workspaceId: string, channel: string): Promise<Record<string, string>[]> {
      const { rows } = await sql.query<{ settings: Record<string, string> }>(
        `select settings from channel_account where workspace_id = $1 and channel = $2`, [workspaceId, channel])
      return rows.map((r) => r.settings)
    },
    async saveCursor(id: string, cursor: unknown): Promise<void> {
      await sql.query(`update channel_account set cursor = $2::jsonb where id = $1`, [id, JSON.stringify(cursor ?? null)])
    },
    async setHealth(id: string, health: AccountHealth, lastError: string | null): Promise<void> {
      await sql.query(`update channel_account set health = $2, last_error = $3 where id = $1`, [id, health, lastError])
    },
  }
}
