import type { PriorityWeights } from '../../core/priority.ts'
import type { Sql } from '../db.ts'

export interface Workspace {
  id: string
  slug: string
  name: string
  createdAt: Date
}

interface WorkspaceRow {
  id: string
  slug: string
  name: string
  created_at: Date
}

const toWorkspace = (r: WorkspaceRow): Workspace => ({ id: r.id, slug: r.slug, name: r.name, createdAt: new Date(r.created_at) })

export function workspaceQueries(sql: Sql) {
  return {
    async list(): Promise<Workspace[]> {
      const { rows } = await sql.query<WorkspaceRow>('select * from workspace order by created_at, slug')
      return rows.map(toWorkspace)
    },
    async bySlug(slug: string): Promise<Workspace | null> {
      const { rows } = await sql.query<WorkspaceRow>('select * from workspace where slug = $1', [slug])
      return rows[0] ? toWorkspace(rows[0]) : null
    },
    async byId(id: string): Promise<Workspace | null> {
      const { rows } = await sql.query<WorkspaceRow>('select * from workspace where id::text = $1', [id])
      return rows[0] ? toWorkspace(rows[0]) : null
    },
    async priorityWeights(id: string): Promise<PriorityWeights> {
      const { rows } = await sql.query<{ w: PriorityWeights }>('select priority_weights as w from workspace where id = $1', [id])
      return rows[0]?.w ?? {}
    },
    async setPriorityWeights(id: string, weights: PriorityWeights): Promise<void> {
      await sql.query('update workspace set priority_weights = $2::jsonb where id = $1', [id, JSON.stringify(weights)])
    },
    /** The stored approval policy (a partial ApprovalPolicy; missing keys mean "no rule"). */
    async approvalPolicy(id: string): Promise<Record<string, unknown>> {
      const { rows } = await sql.query<{ p: Record<string, unknown> }>('select approval_policy as p from workspace where id = $1', [id])
      return rows[0]?.p ?? {}
    },
    async setApprovalPolicy(id: string, policy: object): Promise<void> {
      await sql.query('update workspace set approval_policy = $2::jsonb where id = $1', [id, JSON.stringify(policy)])
    },
    /** Creates the workspace with a default queue, or returns the existing one with that slug. */
    async ensure(slug: string, name: string): Promise<Workspace> {
      await sql.query('insert into workspace (slug, name) values ($1, $2) on conflict (slug) do nothing', [slug, name])
      const ws = await this.bySlug(slug)
      if (ws === null) throw new Error(`workspace ${slug} vanished after insert`)
      await sql.query(
        `insert into queue (workspace_id, name, is_default) values ($1, 'Inbox', true) on conflict (workspace_id, name) do nothing`,
        [ws.id],
      )
      return ws
    },
  }
}
