import type { Channel, SendContext } from '../types.ts'
import { redditCall } from './client.ts'
import { parseRedditPayload } from './parse.ts'
import { redditReplyLengthMax, redditSender } from './send.ts'
import { redditSource } from './source.ts'
import { isRecord, stringAt } from '../wire.ts'

async function testConnection(ctx: SendContext): Promise<{ ok: true; detail: string } | { ok: false; detail: string }> {
  const call = await redditCall(ctx, { method: 'GET', path: '/api/v1/me' })
  if (!call.ok) return { ok: false, detail: call.failure.reason }
  if (!call.res.ok) return { ok: false, detail: `GET /api/v1/me: HTTP ${call.res.status}` }
  const body: unknown = await call.res.json().catch(() => null)
  const name = isRecord(body) ? stringAt(body, 'name') : null
  return name === null ? { ok: false, detail: 'GET /api/v1/me answered without a name' } : { ok: true, detail: `signed in as u/${name}` }
}

export const reddit: Channel = {
  name: 'reddit',
  label: 'Reddit',
  framing: 'document',
  parse: parseRedditPayload,
  // Subreddit listings bring anyone's posts; listening rules decide what is kept.
  openListening: true,
  replyLengthMax: redditReplyLengthMax,
  source: redditSource,
  send: redditSender,
  accountFields: {
    settings: ['apiBaseUrl', 'authUrl', 'subreddits', 'username', 'userAgent'],
    secrets: ['clientId', 'clientSecret', 'password', 'refreshToken'],
  },
  testConnection,
}
