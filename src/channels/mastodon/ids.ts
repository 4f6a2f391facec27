// Mastodon ids are decimal strings (Snowflake-like, beyond 2^53); other servers speaking the API
// (Pleroma, Akkoma) use fixed-length sortable flake ids. Both order by length, then by character.

const idPattern = /^[A-Za-z0-9_-]{1,64}$/

export function isStatusId(value: unknown): value is string {
  return typeof value === 'string' && idPattern.test(value)
}

/** Negative when `a` is older than `b`. Numeric strings without leading zeros compare like BigInts. */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length
  return a < b ? -1 : a > b ? 1 : 0
}

/** The newest of the ids (null when none). */
export function newestId(ids: Iterable<string>, start: string | null = null): string | null {
  let newest = start
  for (const id of ids) if (newest === null || compareIds(id, newest) > 0) newest = id
  return newest
}

/**
 * `acct` as Mastodon shows it on the account's own instance: without a leading `@` and without
 * `@<that instance>` (local users have no domain part). Case-insensitive, like usernames.
 */
export function normalizeAcct(acct: string, instanceHost: string | null = null): string {
  let bare = acct.trim().replace(/^@/, '').toLowerCase()
  const host = instanceHost?.toLowerCase() ?? null
  if (host !== null && bare.endsWith(`@${host}`)) bare = bare.slice(0, -host.length - 1)
  return bare
}

export function sameAcct(a: string, b: string, instanceHost: string | null = null): boolean {
  return normalizeAcct(a, instanceHost) === normalizeAcct(b, instanceHost)
}
