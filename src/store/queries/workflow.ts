// Canned responses and automation rules as stored per workspace, and the log of what automations did.
// Rule JSON is validated by src/workflow/automation.ts before it is written; on read it is validated
// again, so a row that no longer passes (say, after a change in the condition language) is reported, not run.
import { isUuid } from '../../core/ids.ts'
import type { ChannelName } from '../../core/model.ts'
import type { Intent } from '../../core/triage-facts.ts'
import { validateAutomationRule, type AutomationRule } from '../../workflow/automation.ts'
import type { CannedResponse } from '../../workflow/canned.ts'
import type { Sql } from '../db.ts'

export interface CannedRow extends CannedResponse {
  createdBy: string | null
  createdAt: string
  updatedAt: string
}

interface CannedDbRow {
  id: string
  title: string
  body: string
  language: string
  channels: ChannelName[] | null
  intents: Intent[]
  created_by: string | null
  created_at: Date
  updated_at: Date
}

const cannedColumns = 'id, title, body, language, channels, intents, created_by, created_at, updated_at'
const toCanned = (r: CannedDbRow): CannedRow => ({
  id: r.id, title: r.title, body: r.body, language: r.language, channels: r.channels, intents: r.intents,
  createdBy: r.created_by, createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
})

export interface CannedInput {
  title: string
  body: string
  language: string
  channels: ChannelName[] | null
  intents: Intent[]
}

export interface AutomationRow {
  id: string
  position: number
  /** The stored JSON (without id). */
  json: Record<string, unknown>
  /** The validated rule, or why the stored JSON no longer validates. */
  rule: AutomationRule | null
  problem: string | null
  createdAt: string
  updatedAt: string
}

interface AutomationDbRow {
  id: string
  position: number
  rule: Record<string, unknown>
  created_at: Date
  updated_at: Date
}

function toAutomation(r: AutomationDbRow): AutomationRow {
  const check = validateAutomationRule({ ...r.rule, id: r.id })
  return {
    id: r.id, position: r.position, json: r.rule,
    rule: check.ok ? check.rule : null, problem: check.ok ? null : `${check.error.path}: ${check.error.reason}`,
    createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
  }
}

export interface AutomationRunRow {
  ruleId: string | null
  conversationId: string
  event: string
  action: Record<string, unknown>
  outcome: string
  at: string
}

export function workflowQueries(sql: Sql) {
  return {
    canned: {
      async list(workspaceId: string): Promise<CannedRow[]> {
        const { rows } = await sql.query<CannedDbRow>(`select ${cannedColumns} from canned_response where workspace_id = $1 order by title, language`, [workspaceId])
        return rows.map(toCanned)
      },
      async get(workspaceId: string, id: string): Promise<CannedRow | null> {
        if (!isUuid(id)) return null
        const { rows } = await sql.query<CannedDbRow>(`select ${cannedColumns} from canned_response where workspace_id = $1 and id = $2`, [workspaceId, id])
        return rows[0] === undefined ? null : toCanned(rows[0])
      },
      /** Null when a snippet with this title and language exists. */
      async create(workspaceId: string, c: CannedInput, createdBy: string): Promise<CannedRow | null> {
        const { rows } = await sql.query<CannedDbRow>(
          `insert into canned_response (workspace_id, title, body, language, channels, intents, created_by) values ($1, $2, $3, $4, $5, $6, $7)
           on conflict (workspace_id, title, language) do nothing returning ${cannedColumns}`,
          [workspaceId, c.title, c.body, c.language, c.channels, c.intents, createdBy],
        )
        return rows[0] === undefined ? null : toCanned(rows[0])
      },
      async update(workspaceId: string, id: string, c: CannedInput): Promise<CannedRow | null> {
        const { rows } = await sql.query<CannedDbRow>(
          `update canned_response set title = $3, body = $4, language = $5, channels = $6, intents = $7, updated_at = now()
           where workspace_id = $1 and id = $2 returning ${cannedColumns}`,
          [workspaceId, id, c.title, c.body, c.language, c.channels, c.intents],
        )
        return rows[0] === undefined ? null : toCanned(rows[0])
      },
      async delete(workspaceId: string, id: string): Promise<boolean> {
        if (!isUuid(id)) return false
        const { rowCount } = await sql.query('delete from canned_response where workspace_id = $1 and id = $2', [workspaceId, id])
        return rowCount === 1
      },
    },
    automations: {
      async list(workspaceId: string): Promise<AutomationRow[]> {
        const { rows } = await sql.query<AutomationDbRow>('select id, position, rule, created_at, updated_at from automation_rule where workspace_id = $1 order by position, created_at, id', [workspaceId])
        return rows.map(toAutomation)
      },
      async get(workspaceId: string, id: string): Promise<AutomationRow | null> {
        if (!isUuid(id)) return null
        const { rows } = await sql.query<AutomationDbRow>('select id, position, rule, created_at, updated_at from automation_rule where workspace_id = $1 and id = $2', [workspaceId, id])
        return rows[0] === undefined ? null : toAutomation(rows[0])
      },
      async create(workspaceId: string, position: number, json: Record<string, unknown>): Promise<string> {
        const { rows } = await sql.query<{ id: string }>('insert into automation_rule (workspace_id, position, rule) values ($1, $2, $3) returning id', [workspaceId, position, JSON.stringify(json)])
        return rows[0]!.id
      },
      async update(workspaceId: string, id: string, position: number, json: Record<string, unknown>): Promise<boolean> {
        const { rowCount } = await sql.query('update automation_rule set position = $3, rule = $4, updated_at = now() where workspace_id = $1 and id = $2', [workspaceId, id, position, JSON.stringify(json)])
        return rowCount === 1
      },
      async delete(workspaceId: string, id: string): Promise<boolean> {
        if (!isUuid(id)) return false
        const { rowCount } = await sql.query('delete from automation_rule where workspace_id = $1 and id = $2', [workspaceId, id])
        return rowCount === 1
      },
      async nextPosition(workspaceId: string): Promise<number> {
        const { rows } = await sql.query<{ n: number }>('select coalesce(max(position) + 10, 0)::int as n from automation_rule where workspace_id = $1', [workspaceId])
        return rows[0]?.n ?? 0
      },
      async recordRuns(runs: { workspaceId: string; ruleId: string | null; conversationId: string; event: string; action: object; outcome: string }[]): Promise<void> {
        if (runs.length === 0) return
        await sql.query(
          `insert into automation_run (workspace_id, rule_id, conversation_id, event, action, outcome)
           select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::jsonb[], $6::text[])`,
          [runs.map((r) => r.workspaceId), runs.map((r) => r.ruleId), runs.map((r) => r.conversationId), runs.map((r) => r.event), runs.map((r) => JSON.stringify(r.action)), runs.map((r) => r.outcome)],
        )
      },
      async runs(workspaceId: string, opts: { ruleId?: string; limit: number }): Promise<AutomationRunRow[]> {
        const { rows } = await sql.query<{ rule_id: string | null; conversation_id: string; event: string; action: Record<string, unknown>; outcome: string; at: Date }>(
          `select rule_id, conversation_id, event, action, outcome, at from automation_run
           where workspace_id = $1 and ($2::uuid is null or rule_id = $2) order by at desc, id desc limit $3`,
          [workspaceId, opts.ruleId ?? null, opts.limit],
        )
        return rows.map((r) => ({ ruleId: r.rule_id, conversationId: r.conversation_id, event: r.event, action: r.action, outcome: r.outcome, at: new Date(r.at).toISOString() }))
      },
    },
  }
}
