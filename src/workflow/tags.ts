// Conversation tags: one spelling per tag, so "Refund", "#refund" and " refund " are one tag.
// A tag is lowercased (then NFC), loses leading '#', and runs of whitespace become one '-'. What is
// left may hold letters, marks, digits and `_ - . :` only, at most 50 characters (code points).
export const tagLengthMax = 50
export const tagsPerConversationMax = 20

export type TagCheck = { ok: true; tag: string } | { ok: false; reason: string }

const allowed = /^[\p{L}\p{M}\p{N}_.:-]+$/u

export function normalizeTag(raw: string): TagCheck {
  const tag = raw.trim().replace(/^#+/, '').trim().toLowerCase().normalize('NFC').replace(/\s+/gu, '-')
  if (tag === '') return { ok: false, reason: 'is empty' }
  const length = [...tag].length
  if (length > tagLengthMax) return { ok: false, reason: `is ${length} characters long; at most ${tagLengthMax}` }
  if (!allowed.test(tag)) {
    const bad = [...tag].find((ch) => !allowed.test(ch)) ?? ''
    return { ok: false, reason: `contains ${JSON.stringify(bad)}: use letters, digits, "-", "_", "." or ":"` }
  }
  return { ok: true, tag }
}

export type TagsCheck =
  | { ok: true; tags: string[] }
  | { ok: false; problems: { index: number; value: string; reason: string }[] }

/** Normalises a whole set: duplicates (after normalising) collapse, the result is sorted, at most 20. */
export function normalizeTags(raw: readonly string[]): TagsCheck {
  const problems: { index: number; value: string; reason: string }[] = []
  const tags = new Set<string>()
  raw.forEach((value, index) => {
    const r = normalizeTag(value)
    if (r.ok) tags.add(r.tag)
    else problems.push({ index, value, reason: r.reason })
  })
  if (problems.length > 0) return { ok: false, problems }
  if (tags.size > tagsPerConversationMax) {
    return { ok: false, problems: [{ index: tagsPerConversationMax, value: [...tags][tagsPerConversationMax] ?? '', reason: `a conversation holds at most ${tagsPerConversationMax} tags (${tags.size} given)` }] }
  }
  return { ok: true, tags: [...tags].sort() }
}

/** One message for a 400: the first problems with their positions. */
export function describeTagProblems(problems: { index: number; value: string; reason: string }[]): string {
  return problems.slice(0, 3).map((p) => `tags[${p.index}] ${JSON.stringify(p.value.slice(0, 60))} ${p.reason}`).join('; ')
}
