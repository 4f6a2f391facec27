// Pure helpers for the channel-account forms.
import { ApiError } from '../../api/client.ts'

/** outgoingUrl → "Outgoing URL", appPassword → "App password". */
export function fieldLabel(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(' ').map((w) => (/^(url|id|ids|api|pds|rss|imap|smtp|dids)$/i.test(w) ? w.toUpperCase().replace(/IDS$/, 'IDs').replace(/DIDS$/, 'DIDs') : w.toLowerCase()))
  const text = words.join(' ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** Only the fields with a value: empty inputs are "not given", not "set to empty". */
export function filled(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''))
}

/** Settings to PATCH: changed values, and null for a setting that was cleared. */
export function settingsChange(before: Record<string, string>, after: Record<string, string>): Record<string, string | null> {
  const change: Record<string, string | null> = {}
  for (const [k, v] of Object.entries(after)) {
    const old = before[k] ?? ''
    if (v === old) continue
    change[k] = v.trim() === '' ? null : v
  }
  return change
}

/** What to show for a failed call; a 403 says plainly that an admin token is needed. */
export function problemText(e: unknown): string {
  if (e instanceof ApiError && e.status === 403) return `Not allowed with this token: ${e.message}. Ask an admin to do this.`
  return e instanceof Error ? e.message : String(e)
}
