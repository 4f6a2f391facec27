// Internal notes on conversations and the agents they mention. Notes never reach a platform.
import type { Sql } from '../db.ts'

export interface NoteView {
  id: string
  conversationId: string
  author: { agentId: string | null; name: string }
  text: string
  mentions: { agentId: string; name: string; handle: string; seenAt: string | null }[]
  createdAt: string
}

interface NoteRow {
  id: string
  conversation_id: string
  author_agent_id: string | null
  author_name: string
  text: string
  created_at: Date
  mentions: { agent_id: string; name: string; handle: string; seen_at: string | null }[]
}

const noteSelect = `
  select n.id, n.conversation_id, n.author_agent_id, n.author_name, n.text, n.created_at,
    coalesce((select jsonb_agg(jsonb_build_object('agent_id', mn.agent_id, 'name', a.name, 'handle', mn.handle, 'seen_at', mn.seen_at) order by a.name)
      from mention mn join agent a on a.id = mn.agent_id where mn.note_id = n.id), '[]'::jsonb) as mentions
  from note n`

function toView(r: NoteRow): NoteView {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    author: { agentId: r.author_agent_id, name: r.author_name },
    text: r.text,
    mentions: r.mentions.map((m) => ({ agentId: m.agent_id, name: m.name, handle: m.handle, seenAt: m.seen_at === null ? null : new Date(m.seen_at).toISOString() })),
    createdAt: new Date(r.created_at).toISOString(),
  }
}

export interface NewNote {
  workspaceId: string
  conversationId: string
  authorAgentId: string | null
  authorName: string
  text: string
  mentions: { agentId: string; handle: string }[]
}

export function noteQueries(sql: Sql) {
  return {
    async create(n: NewNote): Promise<NoteView> {
      const { rows } = await sql.query<{ id: string }>(
        `insert into note (workspace_id, conversation_id, author_agent_id, author_name, text) values ($1, $2, $3, $4, $5) returning id`,
        [n.workspaceId, n.conversationId, n.authorAgentId, n.authorName, n.text],
      )
      const id = rows[0]!.id
      if (n.mentions.length > 0) {
        await sql.query(
          `insert into mention (note_id, workspace_id, conversation_id, agent_id, handle)
           select $1, $2, $3, m.agent_id, m.handle from unnest($4::uuid[], $5::text[]) as m(agent_id, handle)
           on conflict do nothing`,
          [id, n.workspaceId, n.conversationId, n.mentions.map((m) => m.agentId), n.mentions.map((m) => m.handle)],
        )
      }
      return (await this.get(n.workspaceId, id))!
    },
    async get(workspaceId: string, id: string): Promise<NoteView | null> {
      const { rows } = await sql.query<NoteRow>(`${noteSelect} where n.workspace_id = $1 and n.id = $2`, [workspaceId, id])
      return rows[0] === undefined ? null : toView(rows[0])
    },
    /** Oldest first, like the thread. */
    async list(workspaceId: string, conversationId: string, limit: number): Promise<NoteView[]> {
      const { rows } = await sql.query<NoteRow>(
        `${noteSelect} where n.workspace_id = $1 and n.conversation_id = $2 order by n.created_at, n.id limit $3`,
        [workspaceId, conversationId, limit],
      )
      return rows.map(toView)
    },
    /** Marks an agent's mentions in one conversation as seen; returns how many were unseen. */
    async markSeen(workspaceId: string, conversationId: string, agentId: string, at: Date): Promise<number> {
      const { rowCount } = await sql.query(
        'update mention set seen_at = $4 where workspace_id = $1 and conversation_id = $2 and agent_id = $3 and seen_at is null',
        [workspaceId, conversationId, agentId, at],
      )
      return rowCount
    },
    /** Unseen mentions of an agent: how many, and in how many live (not merged) conversations. */
    async unseen(workspaceId: string, agentId: string): Promise<{ mentions: number; conversations: number }> {
      const { rows } = await sql.query<{ mentions: number; conversations: number }>(
        `select count(*)::int as mentions, count(distinct mn.conversation_id)::int as conversations
         from mention mn join conversation c on c.id = mn.conversation_id
         where mn.workspace_id = $1 and mn.agent_id = $2 and mn.seen_at is null and c.merged_into is null`,
        [workspaceId, agentId],
      )
      return rows[0] ?? { mentions: 0, conversations: 0 }
    },
  }
}
