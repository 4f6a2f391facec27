// Media a message carries (images, video, links), as links the agent can open: never fetched or
// embedded by Earshot. Platform URLs are untrusted input: only http(s), bounded length, at most
// mediaMax per message, no duplicates.
export const mediaKinds = ['image', 'video', 'audio', 'link', 'file'] as const
export type MediaKind = (typeof mediaKinds)[number]

export interface MediaLink {
  kind: MediaKind
  url: string
  /** The author's description (alt text), when the platform has one. */
  alt: string | null
}

export const mediaMax = 10
const urlLengthMax = 2_048
const altLengthMax = 1_000

/** The URL when it is an absolute http(s) URL of sane length, else null. */
export function safeMediaUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > urlLengthMax) return null
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null
  } catch {
    return null
  }
}

/** Builds the list from candidates: drops unsafe URLs and duplicates, trims alt text, keeps the first mediaMax. */
export function mediaLinks(candidates: readonly { kind: MediaKind; url: unknown; alt?: unknown }[]): MediaLink[] {
  const out: MediaLink[] = []
  const seen = new Set<string>()
  for (const c of candidates) {
    if (out.length >= mediaMax) break
    const url = safeMediaUrl(c.url)
    if (url === null || seen.has(url)) continue
    seen.add(url)
    const alt = typeof c.alt === 'string' && c.alt.trim() !== '' ? c.alt.trim().slice(0, altLengthMax) : null
    out.push({ kind: c.kind, url, alt })
  }
  return out
}
