// Tags, merge and split of conversations, and a contact's conversations across channels.
// Merge and split run inside the caller's transaction, after it locked the rows (lockForChange).
import { isUuid } from '../../core/ids.ts'
import type { ConversationStatus } from '../../core/model.ts'
import type { Sql } from '../db.ts'

export interface LockedConversation {
  id: string
  channel: string
  status: ConversationStatus
  version: number
  mergedInto: string | null
  contactId: string | null
  queueId: string | null
  channelAccountId: string | null
  tags: string[]
}

export interface ContactConversation {
  id: string
  channel: string
  status: ConversationStatus
  preview: string
  messageCount: number
  lastMessageAt: string
  createdAt: string
}

export interface ContactProfile {
  id: string
  displayName: string | null
  vip: boolean
  identities: { channel: string; externalUserId: string; handle: string | null; displayName: string | null; followers: number | null; verified: boolean }[]
}

export function conversationWorkflowQueries(sql: Sql) {
  return {
    /** Locks the conversations (FOR UPDATE) of this workspace among `ids`; ids of other workspaces are simply absent. */
    async lockForChange(workspaceId: string, ids: string[]): Promise<LockedConversation[]> {
      const wanted = ids.filter(isUuid)
      if (wanted.length === 0) return []
      const { rows } = await sql.query<{ id: string; channel: string; status: ConversationStatus; version: number; merged_into: string | null; contact_id: string | null; queue_id: string | null; channel_account_id: string | null; tags: string[] }>(
        `select id, channel, status, version, merged_into, contact_id, queue_id, channel_account_id, tags from conversation
         where workspace_id = $1 and id = any($2::uuid[]) order by id for update`,
        [workspaceId, wanted],
      )
      return rows.map((r) => ({ id: r.id, channel: r.channel, status: r.status, version: r.version, mergedInto: r.merged_into, contactId: r.contact_id, queueId: r.queue_id, channelAccountId: r.channel_account_id, tags: r.tags }))
    },
    /** Replaces the tags; false when the conversation is absent, merged, or past `expectedVersion`. */
    async setTags(workspaceId: string, id: string, tags: string[], expectedVersion: number | null): Promise<boolean> {
      const { rowCount } = await sql.query(
        `update conversation set tags = $3, updated_at = now(), version = version + 1
         where workspace_id = $1 and id = $2 and merged_into is null and ($4::int is null or version = $4)`,
        [workspaceId, id, tags, expectedVersion],
      )
      return rowCount === 1
    },
    /**
     * Moves the messages, notes, mentions and replies of `fromIds` into `targetId`; the target gets the
     * union of the tags (`tags`, checked by the caller) and, if it had none, a contact. The others keep
     * their row as a pointer (merged_into, resolved); earlier merges into them now point at the target.
     * The caller refreshes the conversations' summaries afterwards.
     */
    async merge(workspaceId: string, targetId: string, fromIds: string[], tags: string[], at: Date): Promise<{ messages: number; notes: number }> {
      const moved = await sql.query('update message set conversation_id = $2 where workspace_id = $1 and conversation_id = any($3::uuid[])', [workspaceId, targetId, fromIds])
      const notes = await sql.query('update note set conversation_id = $2 where workspace_id = $1 and conversation_id = any($3::uuid[])', [workspaceId, targetId, fromIds])
      await sql.query('update mention set conversation_id = $2 where workspace_id = $1 and conversation_id = any($3::uuid[])', [workspaceId, targetId, fromIds])
      await sql.query('update outbox set conversation_id = $2 where workspace_id = $1 and conversation_id = any($3::uuid[])', [workspaceId, targetId, fromIds])
      await sql.query(
        `update conversation t set tags = $3,
           contact_id = coalesce(t.contact_id, (select f.contact_id from conversation f where f.id = any($4::uuid[]) and f.contact_id is not null order by f.created_at limit 1)),
           first_responded_at = (select min(x.first_responded_at) from conversation x where x.id = t.id or x.id = any($4::uuid[])),
           last_agent_reply_at = (select max(x.last_agent_reply_at) from conversation x where x.id = t.id or x.id = any($4::uuid[]))
         where t.workspace_id = $1 and t.id = $2`,
        [workspaceId, targetId, tags, fromIds],
      )
      await sql.query('update conversation set merged_into = $2 where workspace_id = $1 and merged_into = any($3::uuid[])', [workspaceId, targetId, fromIds])
      await sql.query(
        `update conversation set merged_into = $2, merged_at = $4, status = 'resolved', resolved_at = coalesce(resolved_at, $4), snoozed_until = null,
           sla_state = 'none', sla_metric = null, sla_due_at = null
         where workspace_id = $1 and id = any($3::uuid[])`,
        [workspaceId, targetId, fromIds, at],
      )
      return { messages: moved.rowCount, notes: notes.rowCount }
    },
    /** Ids among `messageIds` that are messages of the conversation. */
    async messagesOf(conversationId: string, messageIds: string[]): Promise<string[]> {
      const wanted = messageIds.filter(isUuid)
      if (wanted.length === 0) return []
      const { rows } = await sql.query<{ id: string }>('select id from message where conversation_id = $1 and id = any($2::uuid[])', [conversationId, wanted])
      return rows.map((r) => r.id)
    },
    async messageCount(conversationId: string): Promise<number> {
      const { rows } = await sql.query<{ n: number }>('select count(*)::int as n from message where conversation_id = $1', [conversationId])
      return rows[0]?.n ?? 0
    },
    /**
     * Moves messages into a new conversation (its thread key is `split:<uuid>`, which no platform uses, so
     * replies join it through their parent message). Channel and contact come from its earliest message;
     * queue, tags and (same channel) the channel account from the source. The router routes it (routed_at null).
     */
    async split(workspaceId: string, source: LockedConversation, messageIds: string[]): Promise<string> {
      const { rows } = await sql.query<{ id: string }>(
        `with first as (
           select m.channel, m.created_at, i.contact_id from message m left join identity i on i.id = m.identity_id
           where m.conversation_id = $2 and m.id = any($3::uuid[]) order by m.created_at, m.seq limit 1),
         first_in as (
           select i.contact_id from message m join identity i on i.id = m.identity_id
           where m.conversation_id = $2 and m.id = any($3::uuid[]) and m.direction = 'in' order by m.created_at, m.seq limit 1)
         insert into conversation (workspace_id, channel, thread_key, contact_id, queue_id, last_message_at, channel_account_id, tags)
         select $1, first.channel, 'split:' || gen_random_uuid(), coalesce((select contact_id from first_in), first.contact_id, $4::uuid), $5::uuid, first.created_at,
           case when first.channel = $6 then $7::uuid else null end, $8::text[]
         from first
         returning id`,
        [workspaceId, source.id, messageIds, source.contactId, source.queueId, source.channel, source.channelAccountId, source.tags],
      )
      const id = rows[0]!.id
      await sql.query('update message set conversation_id = $3 where conversation_id = $1 and id = any($2::uuid[])', [source.id, messageIds, id])
      return id
    },
    async contact(workspaceId: string, contactId: string): Promise<ContactProfile | null> {
      if (!isUuid(contactId)) return null
      const { rows } = await sql.query<{ id: string; display_name: string | null; vip: boolean }>('select id, display_name, vip from contact where workspace_id = $1 and id = $2', [workspaceId, contactId])
      const c = rows[0]
      if (c === undefined) return null
      const ids = await sql.query<{ channel: string; external_user_id: string; handle: string | null; display_name: string | null; followers: number | null; verified: boolean }>(
        'select channel, external_user_id, handle, display_name, followers, verified from identity where contact_id = $1 order by channel, external_user_id', [contactId])
      return {
        id: c.id, displayName: c.display_name, vip: c.vip,
        identities: ids.rows.map((i) => ({ channel: i.channel, externalUserId: i.external_user_id, handle: i.handle, displayName: i.display_name, followers: i.followers, verified: i.verified })),
      }
    },
    /** The contact's conversations on every channel, newest first; merged ones are left out (their messages are in the survivor). */
    async contactConversations(workspaceId: string, contactId: string, limit: number): Promise<ContactConversation[]> {
      if (!isUuid(contactId)) return []
      const { rows } = await sql.query<{ id: string; channel: string; status: ConversationStatus; preview: string; message_count: number; last_message_at: Date; created_at: Date }>(
        `select id, channel, status, preview, message_count, last_message_at, created_at from conversation
         where workspace_id = $1 and contact_id = $2 and merged_into is null order by last_message_at desc, id limit $3`,
        [workspaceId, contactId, limit],
      )
      return rows.map((r) => ({ id: r.id, channel: r.channel, status: r.status, preview: r.preview, messageCount: r.message_count, lastMessageAt: new Date(r.last_message_at).toISOString(), createdAt: new Date(r.created_at).toISOString() }))
    },
  }
}
