// Browser sessions and agents' sign-in credentials. A session's secret is stored only as a hash.
import { createHash } from 'node:crypto'
import type { Sql } from '../db.ts'
import type { ApiToken, TokenRole } from './tokens.ts'

export type AgentRole = 'agent' | 'supervisor'

export interface WebSession {
  id: string
  csrfToken: string
  expiresAt: Date
  /** Who acts: the exchanged token, or the agent as a token-like principal (role from the agent). */
  principal: ApiToken
  via: 'token' | 'password'
}

export interface LoginCandidate {
  agentId: string
  workspaceId: string
  workspaceSlug: string
  passwordHash: string
}

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex')

interface SessionRow {
  id: string
  csrf_token: string
  expires_at: Date
  token_id: string | null
  agent_id: string | null
  t_name: string | null
  t_role: TokenRole | null
  t_workspace_id: string | null
  t_agent_id: string | null
  a_name: string | null
  a_role: AgentRole | null
  a_workspace_id: string | null
}

function sessionFrom(r: SessionRow): WebSession {
  const principal: ApiToken = r.token_id !== null
    ? { id: r.token_id, name: r.t_name!, role: r.t_role!, workspaceId: r.t_workspace_id, agentId: r.t_agent_id }
    : { id: r.id, name: r.a_name!, role: r.a_role!, workspaceId: r.a_workspace_id, agentId: r.agent_id }
  return { id: r.id, csrfToken: r.csrf_token, expiresAt: new Date(r.expires_at), principal, via: r.token_id !== null ? 'token' : 'password' }
}

export function sessionQueries(sql: Sql) {
  return {
    async create(s: { secret: string; csrfToken: string; expiresAt: Date; tokenId?: string; agentId?: string }): Promise<void> {
      await sql.query(
        'insert into web_session (secret_hash, csrf_token, token_id, agent_id, expires_at) values ($1, $2, $3, $4, $5)',
        [hashSecret(s.secret), s.csrfToken, s.tokenId ?? null, s.agentId ?? null, s.expiresAt],
      )
    },
    /** The live session for a cookie's secret, or null (unknown, idle too long, or older than maxAgeMs). */
    async find(secret: string, now: Date, maxAgeMs: number): Promise<WebSession | null> {
      const { rows } = await sql.query<SessionRow>(
        `select s.id, s.csrf_token, s.expires_at, s.token_id, s.agent_id,
                t.name as t_name, t.role as t_role, t.workspace_id as t_workspace_id, t.agent_id as t_agent_id,
                a.name as a_name, a.role as a_role, a.workspace_id as a_workspace_id
         from web_session s left join api_token t on t.id = s.token_id left join agent a on a.id = s.agent_id
         where s.secret_hash = $1 and s.expires_at > $2 and s.created_at > $3`,
        [hashSecret(secret), now, new Date(now.getTime() - maxAgeMs)],
      )
      return rows[0] === undefined ? null : sessionFrom(rows[0])
    },
    async extend(id: string, expiresAt: Date): Promise<void> {
      await sql.query('update web_session set expires_at = $2 where id = $1', [id, expiresAt])
    },
    async delete(id: string): Promise<void> {
      await sql.query('delete from web_session where id = $1', [id])
    },
    async deleteExpired(now: Date): Promise<number> {
      const { rows } = await sql.query<{ n: number }>('with d as (delete from web_session where expires_at <= $1 returning 1) select count(*)::int as n from d', [now])
      return rows[0]?.n ?? 0
    },
    /** Agents with this e-mail (any workspace) who have a password, for sign-in. */
    async loginCandidates(email: string): Promise<LoginCandidate[]> {
      const { rows } = await sql.query<{ id: string; workspace_id: string; slug: string; password_hash: string }>(
        `select a.id, a.workspace_id, w.slug, a.password_hash from agent a join workspace w on w.id = a.workspace_id
         where lower(a.email) = lower($1) and a.password_hash is not null order by w.slug`,
        [email],
      )
      return rows.map((r) => ({ agentId: r.id, workspaceId: r.workspace_id, workspaceSlug: r.slug, passwordHash: r.password_hash }))
    },
    async setPassword(agentId: string, passwordHash: string | null): Promise<void> {
      await sql.query('update agent set password_hash = $2 where id = $1', [agentId, passwordHash])
      // a changed password ends the agent's other sessions
      await sql.query('delete from web_session where agent_id = $1', [agentId])
    },
    async credentials(agentId: string): Promise<{ passwordHash: string | null; role: AgentRole } | null> {
      const { rows } = await sql.query<{ password_hash: string | null; role: AgentRole }>('select password_hash, role from agent where id = $1', [agentId])
      return rows[0] === undefined ? null : { passwordHash: rows[0].password_hash, role: rows[0].role }
    },
    async setRole(agentId: string, role: AgentRole): Promise<void> {
      await sql.query('update agent set role = $2 where id = $1', [agentId, role])
    },
  }
}
