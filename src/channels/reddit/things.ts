// Reddit ids, links and text. Ids are base36 and only grow, so two ids of the same kind compare
// by length, then alphabetically ('0'-'9' sort before 'a'-'z' in ASCII); no number parsing needed.

/** Fullnames: `t1_` comment, `t2_` account, `t3_` post, `t4_` message, `t5_` subreddit, `t6_` award. */
const fullnamePattern = /^t[1-6]_[0-9a-z]{1,13}$/
const subredditPattern = /^[A-Za-z0-9_]{2,21}$/
const usernamePattern = /^[A-Za-z0-9_-]{1,20}$/

export const redditWebUrl = 'https://www.reddit.com'

export function isFullname(value: string | null): value is string {
  return value !== null && fullnamePattern.test(value)
}

export function isSubredditName(value: string): boolean {
  return subredditPattern.test(value)
}

export function isUsername(value: string | null): value is string {
  return value !== null && usernamePattern.test(value)
}

/** Negative when `a` is older than `b`, 0 when equal; only meaningful for fullnames of the same kind. */
export function compareFullnames(a: string, b: string): number {
  const idA = a.slice(3)
  const idB = b.slice(3)
  if (idA.length !== idB.length) return idA.length - idB.length
  return idA < idB ? -1 : idA > idB ? 1 : 0
}

/** True when `candidate` is newer than `seen` (same kind); a different kind never counts as newer. */
export function isNewerThan(candidate: string, seen: string): boolean {
  return candidate.slice(0, 3) === seen.slice(0, 3) && compareFullnames(candidate, seen) > 0
}

/** `/r/sub/comments/abc123/title/` → `t3_abc123` (inbox items carry `context`, not `link_id`). */
export function postFullnameFromPath(path: string | null): string | null {
  const match = /^\/r\/[A-Za-z0-9_]+\/comments\/([0-9a-z]{1,13})(?:\/|$)/.exec(path ?? '')
  return match === null ? null : `t3_${match[1]}`
}

/** A reddit.com link from a site-relative path; anything that is not a plain path gives null. */
export function webUrl(path: string | null): string | null {
  if (path === null || !path.startsWith('/') || path.startsWith('//') || path.length > 2_000) return null
  if (/[\s\\]/.test(path)) return null
  return redditWebUrl + path
}

/** Comments in `/r/<sub>/comments` listings carry no permalink; Reddit resolves `_` as any title slug. */
export function commentUrl(subreddit: string | null, linkFullname: string | null, commentId: string): string | null {
  if (linkFullname === null || !linkFullname.startsWith('t3_')) return null
  const sub = subreddit !== null && isSubredditName(subreddit) ? `/r/${subreddit}` : ''
  return `${redditWebUrl}${sub}/comments/${linkFullname.slice(3)}/_/${commentId.slice(3)}/`
}

/** Without `raw_json=1` Reddit escapes `&`, `<` and `>` in bodies and titles. `&amp;` goes last so `&amp;lt;` stays `&lt;`. */
export function unescapeRedditText(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&')
}

/** How Reddit marks content whose author deleted it or a moderator removed it. */
export function isGone(value: string | null): boolean {
  return value === '[deleted]' || value === '[removed]'
}
