// Text measures shared by the API and the composer rules: platforms count user-perceived
// characters (graphemes), not UTF-16 units — one emoji with a skin tone is one character on X.
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

export function graphemeCount(text: string): number {
  let n = 0
  for (const _ of segmenter.segment(text)) n++
  return n
}
