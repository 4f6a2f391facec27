// The demo's stand-ins for X and Bluesky: the channels' own fakes (local servers speaking each
// platform's protocol), with the demo workspace's accounts pointed at them. An agent's reply in
// the demo then really goes through the outbox, the channel's send.ts and the platform protocol,
// and lands on the fake, which records it. Nothing leaves the machine.
import { startBlueskyFake, type BlueskyFake } from '../channels/bluesky/fake.ts'
import { startXFake, type XFake } from '../channels/x-twitter/fake.ts'
import type { SecretBox } from '../accounts/secret-box.ts'
import type { Store } from '../store/index.ts'
import { DEMO_BRAND } from './context.ts'

export interface DemoPlatforms {
  /** What the stand-ins received: what customers would see on each platform. */
  posted(): { x: { tweets: unknown[]; dms: unknown[] }; bluesky: { posts: unknown[] } }
  close(): Promise<void>
}

const demoSecret = 'demo-platform-secret'

async function upsertAccount(store: Store, box: SecretBox, workspaceId: string, channel: string, name: string, settings: Record<string, string>, secrets: Record<string, string>): Promise<string> {
  const existing = (await store.channelAccounts.list(workspaceId)).find((a) => a.channel === channel && a.name === name)
  if (existing !== undefined) {
    // The fakes get a new port on every start.
    await store.channelAccounts.update(workspaceId, existing.id, { settings, sealedSecrets: box.seal(secrets) })
    return existing.id
  }
  const created = await store.channelAccounts.create(workspaceId, { channel, name, settings, sealedSecrets: box.seal(secrets), enabled: true })
  return created!.id
}

/** Starts the stand-ins and points the demo workspace's X, Bluesky and web chat accounts at them. */
export async function startDemoPlatforms(store: Store, box: SecretBox, workspaceId: string): Promise<DemoPlatforms & { webchatAccountId: string }> {
  let x: XFake | null = null
  let bluesky: BlueskyFake | null = null
  try {
    x = await startXFake({
      brandUserId: DEMO_BRAND.xUserId, accessToken: demoSecret, bearerToken: demoSecret,
      users: [{ id: DEMO_BRAND.xUserId, username: DEMO_BRAND.xUsername, name: DEMO_BRAND.name, verified: true }],
    })
    bluesky = await startBlueskyFake({ handle: DEMO_BRAND.blueskyHandle, did: DEMO_BRAND.blueskyDid, appPassword: demoSecret })
    await upsertAccount(store, box, workspaceId, 'x-twitter', `@${DEMO_BRAND.xUsername} (demo platform)`,
      { apiBaseUrl: x.url, userId: DEMO_BRAND.xUserId, handle: DEMO_BRAND.xUsername }, { accessToken: demoSecret, bearerToken: demoSecret, consumerSecret: demoSecret })
    await upsertAccount(store, box, workspaceId, 'bluesky', `@${DEMO_BRAND.blueskyHandle} (demo platform)`,
      { handle: DEMO_BRAND.blueskyHandle, did: DEMO_BRAND.blueskyDid, pdsUrl: bluesky.url, appViewUrl: bluesky.url, jetstreamUrl: bluesky.jetstreamUrl }, { appPassword: demoSecret })
    const webchatAccountId = await upsertAccount(store, box, workspaceId, 'webchat', 'northwind.example (demo site)', {}, {})
    const [xFake, bskyFake] = [x, bluesky]
    return {
      webchatAccountId,
      posted: () => ({ x: { tweets: [...xFake.posted], dms: [...xFake.dms] }, bluesky: { posts: bskyFake.posts() } }),
      async close() {
        await Promise.all([xFake.close(), bskyFake.close()])
      },
    }
  } catch (error) {
    await x?.close().catch(() => undefined)
    await bluesky?.close().catch(() => undefined)
    throw error
  }
}

/** A page standing in for the brand's website, with the web chat widget embedded. */
export function demoSitePage(webchatAccountId: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Northwind Air (demo site)</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1d2733}header{background:#0b3d6e;color:#fff;padding:24px}main{padding:24px;max-width:640px}</style>
</head><body>
<header><h1>Northwind Air</h1><p>This page stands in for the brand's website: the chat button in the corner is Earshot's web chat widget.</p></header>
<main><p>Write in the chat; the message arrives in the Earshot inbox of the demo workspace, and an agent's answer comes back here live.</p></main>
<script src="/widget.js" data-account="${webchatAccountId}" async></script>
</body></html>`
}
