import { isUuid } from '../../core/ids.ts'
import type { Sql } from '../db.ts'

export interface Agent {
  id: string
  name: string
  email: string | null
}

export interface Queue {
  id: string
  name: string
  isDefault: boolean
}

export function agentQueries(sql: Sql) {
  return {
    async list(workspaceId: string): Promise<Agent[]> {
      const { rows } = await sql.query<Agent>('select id, name, email from agent where workspace_id = $1 order by name', [workspaceId])
      return rows
    },
    async get(workspaceId: string, id: string): Promise<Agent | null> {
      if (!isUuid(id)) return null
      const { rows } = await sql.query<Agent>('select id, name, email from agent where workspace_id = $1 and id = $2', [workspaceId, id])
      return rows[0] ?? null
    },
    async ensure(workspaceId: string, name: string, email: string | null): Promise<Agent> {
      const { rows } = await sql.query<Agent>(
        `insert into agent (workspace_id, name, email) values ($1, $2, $3)
         on conflict (workspace_id, name) do update set email = coalesce(excluded.email, agent.email)
         returning id, name, email`,
        [workspaceId, name, email],
      )
      return rows[0]!
    },
  }
}

export function queueQueries(sql: Sql) {
  return {
    async list(workspaceId: string): Promise<Queue[]> {
      const { rows } = await sql.query<{ id: string; name: string; is_default: boolean }>(
        'select id, name, is_default from queue where workspace_id = $1 order by is_default desc, name',
        [workspaceId],
      )
      return rows.map((r) => ({ id: r.id, name: r.name, isDefault: r.is_default }))
    },
    async defaultFor(workspaceId: string): Promise<Queue | null> {
      const { rows } = await sql.query<{ id: string; name: string }>(
        'select id, name from queue where workspace_id = $1 and is_default limit 1',
        [workspaceId],
      )
      return rows[0] ? { ...rows[0], isDefault: true } : null
    },
  }
}

export interface NewAssignment {
  workspaceId: string
  conversationId: string
  queueId: string | null
  agentId: string | null
  reason: string
  actor: string
}

export function assignmentQueries(sql: Sql) {
  return {
    async record(a: NewAssignment): Promise<void> {
      await this.recordMany([a])
    },
    async recordMany(list: NewAssignment[]): Promise<void> {
      if (list.length === 0) return
      await sql.query(
        `insert into assignment (workspace_id, conversation_id, queue_id, agent_id, reason, actor)
         select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[])`,
        [list.map((a) => a.workspaceId), list.map((a) => a.conversationId), list.map((a) => a.queueId), list.map((a) => a.agentId),
          list.map((a) => a.reason), list.map((a) => a.actor)],
      )
    },
  }
}

export function auditQueries(sql: Sql) {
  return {
    async record(e: { workspaceId: string; actor: string; action: string; targetType: string; targetId: string; detail?: Record<string, unknown> }): Promise<void> {
      await sql.query(
        'insert into audit_log (workspace_id, actor, action, target_type, target_id, detail) values ($1, $2, $3, $4, $5, $6::jsonb)',
        [e.workspaceId, e.actor, e.action, e.targetType, e.targetId, JSON.stringify(e.detail ?? {})],
      )
    },
    async list(workspaceId: string, limit: number) {
      const { rows } = await sql.query<{ id: string; actor: string; action: string; target_type: string; target_id: string; detail: Record<string, unknown>; created_at: Date }>(
        `select id::text as id, actor, action, target_type, target_id, detail, created_at from audit_log
         where workspace_id = $1 order by audit_log.id desc limit $2`,
        [workspaceId, limit],
      )
      return rows.map((r) => ({ id: r.id, actor: r.actor, action: r.action, targetType: r.target_type, targetId: r.target_id, detail: r.detail, createdAt: new Date(r.created_at).toISOString() }))
    },
  }
}
