import type { Author, ChannelName } from '../../core/model.ts'
import type { Sql } from '../db.ts'
import { storableText } from './inbound.ts'

export interface IdentityRef {
  identityId: string
  contactId: string
  followers: number | null
  verified: boolean
}

/** Finds or creates the identity (and its contact) in one statement; newer profile facts win, missing ones keep the old. */
export async function upsertIdentity(sql: Sql, workspaceId: string, channel: ChannelName, author: Author): Promise<IdentityRef> {
  const { rows } = await sql.query<{ id: string; contact_id: string; followers: number | null; verified: boolean }>(
    `with found as (
       select contact_id from identity where workspace_id = $1 and channel = $2 and external_user_id = $3
     ), new_contact as (
       insert into contact (workspace_id, display_name)
       select $1, coalesce($5, $4, $3) where not exists (select 1 from found) returning id
     )
     insert into identity (workspace_id, contact_id, channel, external_user_id, handle, display_name, followers, verified)
     select $1, coalesce((select id from new_contact), (select contact_id from found)), $2, $3, $4, $5, $6, $7
     on conflict (workspace_id, channel, external_user_id) do update set
       handle = coalesce(excluded.handle, identity.handle),
       display_name = coalesce(excluded.display_name, identity.display_name),
       followers = coalesce(excluded.followers, identity.followers),
       verified = excluded.verified or identity.verified,
       updated_at = now()
     returning id, contact_id, followers, verified`,
    [workspaceId, channel, storableText(author.externalUserId), author.handle === null ? null : storableText(author.handle),
      author.displayName === null ? null : storableText(author.displayName), clampInt(author.followers), author.verified],
  )
  const r = rows[0]!
  return { identityId: r.id, contactId: r.contact_id, followers: r.followers, verified: r.verified }
}

function clampInt(n: number | null): number | null {
  if (n === null || !Number.isFinite(n)) return null
  return Math.max(0, Math.min(2_147_483_647, Math.trunc(n)))
}
