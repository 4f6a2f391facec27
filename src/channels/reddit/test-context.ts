// Test support: a Reddit account pointed at the fake, and source/send contexts that record what
// the channel emitted, saved and slept.
import { randomUUID } from 'node:crypto'
import type { AccountRuntime } from '../types.ts'
import type { RedditFake } from './fake.ts'

export const credentials = { clientId: 'client-1', clientSecret: 'secret-1', username: 'acme_care', password: 'hunter2' }
export const userAgent = 'earshot-test/0.1 (by /u/acme_care)'

export function accountFor(fake: RedditFake, settings: Record<string, string> = {}, secrets: Record<string, string> = {}): AccountRuntime {
  return {
    id: randomUUID(), workspaceId: 'ws-1', channel: 'reddit', name: 'acme',
    settings: { apiBaseUrl: fake.url, authUrl: fake.url, subreddits: 'acme', username: credentials.username, userAgent, ...settings },
    secrets: { clientId: credentials.clientId, clientSecret: credentials.clientSecret, password: credentials.password, ...secrets },
  }
}

export { sendContext, silentLog, sourceContext, type RecordingSourceContext } from '../testing.ts'
