import type { Channel, SendContext } from '../types.ts'
import { parseJetstreamEvent } from './parse.ts'
import { blueskySender, postGraphemesMax } from './send.ts'
import { getSession } from './session.ts'
import { jetstreamSource } from './source.ts'

/** Signs in with the app password (a fresh session, not the cache), proving handle and password work. */
async function testConnection(ctx: SendContext): Promise<{ ok: true; detail: string } | { ok: false; detail: string }> {
  try {
    const got = await getSession(ctx, true)
    return got.ok ? { ok: true, detail: `signed in as @${got.session.handle} (${got.session.did})` } : { ok: false, detail: got.failure.reason }
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) }
  }
}

export const bluesky: Channel = {
  name: 'bluesky',
  label: 'Bluesky',
  framing: 'jsonl',
  parse: parseJetstreamEvent,
  openListening: true,
  replyLengthMax: postGraphemesMax,
  source: jetstreamSource,
  send: blueskySender,
  // The DID is known after sign-in; set it (setting `did`) so the brand's own posts read as outbound.
  brandAuthorIds: (settings) => (settings.did === undefined ? [] : [settings.did]),
  accountFields: { settings: ['jetstreamUrl', 'wantedDids', 'pdsUrl', 'appViewUrl', 'handle', 'did'], secrets: ['appPassword'] },
  testConnection,
}
