import { fetchWithTimeout } from '../http.ts'
import type { Channel, SendContext } from '../types.ts'
import { isRecord, stringAt } from '../wire.ts'
import { authHeaders, instanceUrl } from './api.ts'
import { parseMastodonPayload } from './parse.ts'
import { mastodonSender } from './send.ts'
import { mastodonPollSource } from './source.ts'
import { streamingSource } from './stream.ts'

// 'document': a unit is one JSON value (a status, a notification, a page, a streaming event) or
// an SSE text, and the fixture files are whole documents (.jsonl files are still read by line).
export const mastodon: Channel = {
  name: 'mastodon',
  label: 'Mastodon',
  framing: 'document',
  parse: parseMastodonPayload,
  openListening: false,
  replyLengthMax: 500,
  source: mastodonPollSource,
  // Streaming catches up by polling on every (re)connect, so it replaces polling rather than joining it.
  sourcesFor: (account) => [account.settings.streaming === 'on' ? streamingSource : mastodonPollSource],
  send: mastodonSender,
  accountFields: { settings: ['apiBaseUrl', 'streamingUrl', 'streaming', 'acct', 'replyVisibility'], secrets: ['accessToken'] },
  testConnection,
}

async function testConnection(ctx: SendContext): Promise<{ ok: true; detail: string } | { ok: false; detail: string }> {
  const url = `${instanceUrl(ctx.account)}/api/v1/accounts/verify_credentials`
  try {
    const res = await fetchWithTimeout(ctx.fetch, url, { headers: authHeaders(ctx.account), signal: ctx.signal })
    const body: unknown = await res.json().catch(() => null)
    if (!res.ok) {
      const error = isRecord(body) ? stringAt(body, 'error') : null
      return { ok: false, detail: `HTTP ${res.status}${error === null ? '' : `: ${error}`}` }
    }
    const acct = isRecord(body) ? stringAt(body, 'acct') : null
    if (acct === null) return { ok: false, detail: 'verify_credentials answered without an account' }
    return { ok: true, detail: `@${acct} on ${new URL(url).host}` }
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) }
  }
}
