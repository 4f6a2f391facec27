// A customer's answer to a survey by message: the whole reply is one score, a digit 1–5 ("4", "4/5",
// "５", "4️⃣") or 1–5 stars ("⭐⭐⭐⭐", "★★★★☆"). Anything else ("5 stars but…", "10", "I'd say 4") is an
// ordinary message. Pure and total: never throws.

export type CsatScore = 1 | 2 | 3 | 4 | 5

/** Replies longer than this are never a bare score (cheap early exit for every inbound message). */
const replyLengthMax = 40

const fullwidthDigits = '０１２３４５６７８９'

function scoreOf(n: number): CsatScore | null {
  return Number.isInteger(n) && n >= 1 && n <= 5 ? (n as CsatScore) : null
}

export function parseCsatReply(text: string): CsatScore | null {
  if (typeof text !== 'string' || text.length > replyLengthMax) return null
  // Variation selectors and zero-width joiners ride along with emoji; trailing punctuation and spaces are noise.
  const t = text.replace(/[\uFE0E\uFE0F\u200D]/g, '').trim().replace(/[.!]+$/u, '').trim()
  if (t === '') return null
  // "4", "4/5", "4 / 5", "５", the keycap "4⃣"
  const digit = /^([1-5０-９])\u20E3?(?:\s*\/\s*5)?$/u.exec(t)
  if (digit !== null) {
    const d = digit[1]!
    const fw = fullwidthDigits.indexOf(d)
    return scoreOf(fw >= 0 ? fw : Number(d))
  }
  // Stars: filled ⭐ / ★ / 🌟, optionally followed by empty ☆ to five in all.
  const stars = /^((?:⭐|★|🌟)\s*){1,5}((?:☆)\s*)*$/u.exec(t)
  if (stars !== null) {
    const filled = [...t].filter((c) => c === '⭐' || c === '★' || c === '🌟').length
    const empty = [...t].filter((c) => c === '☆').length
    if (empty > 0 && filled + empty !== 5) return null
    return scoreOf(filled)
  }
  return null
}
