import { randomUUID } from 'node:crypto'
import type { Author, ChannelName } from '../../core/model.ts'
import type { Sql } from '../db.ts'
import { storableText } from './inbound.ts'

export interface IdentityRef {
  identityId: string
  contactId: string
  followers: number | null
  verified: boolean
}

/** Finds or creates one identity (and its contact); newer profile facts win, missing ones keep the old. */
export async function upsertIdentity(sql: Sql, workspaceId: string, channel: ChannelName, author: Author): Promise<IdentityRef> {
  const ref = (await upsertIdentities(sql, workspaceId, channel, [author])).get(storableText(author.externalUserId))
  if (ref === undefined) throw new Error(`identity upsert returned nothing for ${author.externalUserId}`)
  return ref
}

function clampInt(n: number | null): number | null {
  if (n === null || !Number.isFinite(n)) return null
  return Math.max(0, Math.min(2_147_483_647, Math.trunc(n)))
}

/**
 * The batch form: every distinct author of a batch (one workspace and channel) in three statements,
 * whatever their number. Contacts get ids made here so new identities can point at them in one insert.
 */
export async function upsertIdentities(sql: Sql, workspaceId: string, channel: ChannelName, authors: Author[]): Promise<Map<string, IdentityRef>> {
  const byId = new Map<string, Author>()
  for (const a of authors) byId.set(storableText(a.externalUserId), a) // the last word on a profile wins
  const out = new Map<string, IdentityRef>()
  if (byId.size === 0) return out
  const ids = [...byId.keys()]
  const { rows: found } = await sql.query<{ external_user_id: string; contact_id: string }>(
    'select external_user_id, contact_id from identity where workspace_id = $1 and channel = $2 and external_user_id = any($3::text[])',
    [workspaceId, channel, ids],
  )
  const contactOf = new Map(found.map((r) => [r.external_user_id, r.contact_id]))
  const missing = ids.filter((id) => !contactOf.has(id))
  if (missing.length > 0) {
    const newContacts = missing.map(() => randomUUID())
    missing.forEach((id, i) => contactOf.set(id, newContacts[i]!))
    await sql.query(
      'insert into contact (id, workspace_id, display_name) select c, $1, d from unnest($2::uuid[], $3::text[]) as t(c, d)',
      [workspaceId, newContacts, missing.map((id) => { const a = byId.get(id)!; return storableText(a.displayName ?? a.handle ?? id) })],
    )
  }
  const list = ids.map((id) => byId.get(id)!)
  const { rows } = await sql.query<{ external_user_id: string; id: string; contact_id: string; followers: number | null; verified: boolean }>(
    `insert into identity (workspace_id, contact_id, channel, external_user_id, handle, display_name, followers, verified)
     select $1, c, $2, e, h, d, f, v from unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::int[], $8::bool[]) as t(c, e, h, d, f, v)
     on conflict (workspace_id, channel, external_user_id) do update set
       handle = coalesce(excluded.handle, identity.handle),
       display_name = coalesce(excluded.display_name, identity.display_name),
       followers = coalesce(excluded.followers, identity.followers),
       verified = excluded.verified or identity.verified,
       updated_at = now()
     returning external_user_id, id, contact_id, followers, verified`,
    [workspaceId, channel, ids.map((id) => contactOf.get(id)!), ids,
      list.map((a) => (a.handle === null ? null : storableText(a.handle))), list.map((a) => (a.displayName === null ? null : storableText(a.displayName))),
      list.map((a) => clampInt(a.followers)), list.map((a) => a.verified)],
  )
  for (const r of rows) out.set(r.external_user_id, { identityId: r.id, contactId: r.contact_id, followers: r.followers, verified: r.verified })
  return out
}
