import { isUuid } from '../../core/ids.ts'
import type { Sql } from '../db.ts'

export type CorrectableField = 'sentiment' | 'intent'

export interface Correction {
  id: string
  messageId: string
  field: CorrectableField
  oldValue: string | null
  newValue: string
  actor: string
  createdAt: string
}

export interface CorrectionForTraining {
  text: string
  field: CorrectableField
  label: string
}

export function correctionQueries(sql: Sql) {
  return {
    /** Sets the field on the message and records who changed it from what. Returns null if the message is not in the workspace. */
    async correct(workspaceId: string, messageId: string, field: CorrectableField, value: string, actor: string): Promise<Correction | null> {
      if (!isUuid(messageId)) return null
      const column = field === 'sentiment' ? 'sentiment' : 'intent' // never interpolate input into SQL
      const { rows: before } = await sql.query<{ old: string | null }>(
        `select ${column} as old from message where workspace_id = $1 and id = $2 for update`, [workspaceId, messageId])
      if (before.length === 0) return null
      await sql.query(
        `update message set ${column} = $3${field === 'sentiment' ? ', sentiment_score = case $3 when \'negative\' then -1 when \'positive\' then 1 else 0 end' : ''}
         where workspace_id = $1 and id = $2`,
        [workspaceId, messageId, value],
      )
      const { rows } = await sql.query<{ id: string; created_at: Date }>(
        `insert into triage_correction (workspace_id, message_id, field, old_value, new_value, actor) values ($1, $2, $3, $4, $5, $6)
         returning id, created_at`,
        [workspaceId, messageId, field, before[0]!.old, value, actor],
      )
      return { id: rows[0]!.id, messageId, field, oldValue: before[0]!.old, newValue: value, actor, createdAt: new Date(rows[0]!.created_at).toISOString() }
    },
    async list(workspaceId: string, limit: number): Promise<Correction[]> {
      const { rows } = await sql.query<{ id: string; message_id: string; field: CorrectableField; old_value: string | null; new_value: string; actor: string; created_at: Date }>(
        'select * from triage_correction where workspace_id = $1 order by created_at desc limit $2', [workspaceId, limit])
      return rows.map((r) => ({ id: r.id, messageId: r.message_id, field: r.field, oldValue: r.old_value, newValue: r.new_value, actor: r.actor, createdAt: new Date(r.created_at).toISOString() }))
    },
    /** The latest correction per message and field, with the message text: extra training rows for `earshot train`. */
    async forTraining(workspaceId: string | null): Promise<CorrectionForTraining[]> {
      const { rows } = await sql.query<{ text: string; field: CorrectableField; label: string }>(
        `select distinct on (c.message_id, c.field) m.text, c.field, c.new_value as label
         from triage_correction c join message m on m.id = c.message_id
         where ($1::uuid is null or c.workspace_id = $1) and m.deleted_at is null
         order by c.message_id, c.field, c.created_at desc`,
        [workspaceId],
      )
      return rows
    },
  }
}
