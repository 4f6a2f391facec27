import { createHash, randomBytes } from 'node:crypto'
import type { Sql } from '../db.ts'

export type TokenRole = 'admin' | 'supervisor' | 'agent'

export interface ApiToken {
  id: string
  name: string
  role: TokenRole
  /** Null for admin tokens, which reach every workspace. */
  workspaceId: string | null
  /** The agent this token acts as (replies, approvals policy), if any. */
  agentId: string | null
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export function generateToken(): string {
  return `es_${randomBytes(24).toString('base64url')}`
}

interface TokenRow {
  id: string
  name: string
  role: TokenRole
  workspace_id: string | null
  agent_id: string | null
}

export function tokenQueries(sql: Sql) {
  return {
    async create(opts: { token: string; name: string; role: TokenRole; workspaceId: string | null; agentId?: string | null }): Promise<ApiToken> {
      const { rows } = await sql.query<TokenRow>(
        `insert into api_token (token_hash, name, role, workspace_id, agent_id) values ($1, $2, $3, $4, $5)
         on conflict (token_hash) do update set name = api_token.name
         returning id, name, role, workspace_id, agent_id`,
        [hashToken(opts.token), opts.name, opts.role, opts.workspaceId, opts.agentId ?? null],
      )
      const r = rows[0]!
      return { id: r.id, name: r.name, role: r.role, workspaceId: r.workspace_id, agentId: r.agent_id }
    },
    /** Looks a presented token up by its hash; the token itself is never stored. */
    async find(token: string): Promise<ApiToken | null> {
      const { rows } = await sql.query<TokenRow>(
        'select id, name, role, workspace_id, agent_id from api_token where token_hash = $1',
        [hashToken(token)],
      )
      const r = rows[0]
      return r ? { id: r.id, name: r.name, role: r.role, workspaceId: r.workspace_id, agentId: r.agent_id } : null
    },
    async countAdmins(): Promise<number> {
      const { rows } = await sql.query<{ n: number }>(`select count(*)::int as n from api_token where role = 'admin'`)
      return rows[0]?.n ?? 0
    },
  }
}
