// A status' `content` (sanitised HTML from the instance) → plain text. Mention and hashtag links
// keep only their text ("@alice", "#help"): the profile/tag URL after each would be noise.
// Mastodon splits long link texts into invisible/ellipsis spans; their text together is the full
// URL, so the shared converter shows the link once.
import { htmlToText } from '../rss-atom/html-text.ts'

const anchorOpen = /<a\s[^>]*>/gi
const mentionOrHashtagClass = /\sclass\s*=\s*["'][^"']*\b(?:mention|hashtag)\b/i

export function contentToText(html: string): string {
  const plain = html.replace(anchorOpen, (tag) => (mentionOrHashtagClass.test(tag) ? '<a>' : tag))
  return htmlToText(plain, null)
}

/** A content warning stays in front of the text: agents must see what the author hid behind it. */
export function statusText(content: string, spoilerText: string): string {
  const body = contentToText(content)
  const warning = spoilerText.trim()
  if (warning === '') return body
  return body === '' ? `CW: ${warning}` : `CW: ${warning}\n\n${body}`
}
