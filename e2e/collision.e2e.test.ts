// Two people on one conversation in two browsers: each sees the other there and typing, a canned
// response fills Bo's reply, and when the admin answers first Bo's send is stopped with that answer
// shown, until he confirms. Both answers reach the platform exactly once. Screenshots in screenshots/.
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { did, jetstreamPost } from '../src/testing/payloads.ts'
import { demoPassword, hasChromium, openDemoSession, shots, stepTimeoutMs, type DemoSession } from './demo-session.ts'

const token = 'browser-e2e-collision-token'

describe.skipIf(!hasChromium)('two agents on one conversation in Chromium', () => {
  let session: DemoSession
  let admin: Page
  let boContext: BrowserContext
  let bo: Page
  let path = ''
  const marker = `col${Date.now().toString(36)}`
  const text = `${marker} my Northwind bag never arrived in Lisbon and nobody answers the phone`

  beforeAll(async () => {
    session = await openDemoSession(token, 'Ada Agent')
    admin = session.page
    boContext = await session.browser.newContext({ viewport: { width: 1280, height: 800 } })
    bo = await boContext.newPage()
    bo.setDefaultTimeout(stepTimeoutMs)
    const res = await fetch(`${session.url}/api/v1/ingest/bluesky?workspace=demo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      body: `${jetstreamPost({ did: did(91_001), rkey: `3m${marker}`, text, timeUs: Date.now() * 1000 })}\n`,
    })
    expect(res.status).toBeLessThan(300)
    const list = await (await fetch(`${session.url}/api/v1/conversations?workspace=demo&channel=bluesky&limit=200`, { headers: { authorization: `Bearer ${token}` } })).json() as { items: { id: string; preview: string }[] }
    path = `/conversations/${list.items.find((c) => c.preview === text)!.id}`
  })

  afterAll(async () => {
    await boContext?.close()
    await session?.close()
  })

  it('shows each one the other on the conversation, and typing', async () => {
    await bo.goto(`${session.url}/`)
    await bo.getByLabel('E-mail').fill('bo@northwind.example')
    await bo.getByLabel('Password').fill(demoPassword)
    await bo.getByRole('button', { name: 'Sign in' }).click()
    await bo.locator('[data-live="live"]').waitFor()
    await bo.goto(`${session.url}${path}`)
    await bo.locator('li.msg', { hasText: marker }).waitFor()
    await admin.goto(`${session.url}/#token=${token}`)
    await admin.locator('[data-live="live"]').waitFor()
    await admin.goto(`${session.url}${path}`)
    await admin.locator('li.msg', { hasText: marker }).waitFor()
    await admin.locator('.viewers', { hasText: 'Bo Lindqvist' }).waitFor()
    await bo.locator('.viewers', { hasText: 'admin' }).waitFor()
    await admin.getByLabel(/Reply on/).fill(`${marker} admin: so sorry, DM us your baggage file number`)
    await bo.locator('.composer .typing', { hasText: /typing a reply/ }).waitFor()
    await bo.screenshot({ path: join(shots, 'conversation-colleague-typing.png'), fullPage: true })
  })

  it('fills Bo\'s reply from a canned response suggested for the complaint', async () => {
    await bo.getByText(/^Canned responses \(\d+\)$/).click()
    const pick = bo.getByRole('button', { name: 'Lost bag: file a report' })
    await pick.click()
    await expect.poll(() => bo.getByLabel(/Reply on/).inputValue()).toMatch(/^Sorry your bag hasn't arrived, .*baggage file number/)
    expect(await bo.getByLabel(/Reply on/).inputValue()).not.toContain('{{')
  })

  it('stops Bo\'s send when the admin answered first, shows that answer, and sends once he confirms', async () => {
    await admin.getByRole('button', { name: 'Send publicly' }).click()
    await admin.locator('.replies li', { hasText: `${marker} admin:` }).waitFor()
    await bo.getByRole('button', { name: 'Send publicly' }).click()
    const warning = bo.locator('.collision')
    await warning.waitFor()
    expect(await warning.textContent()).toContain(`${marker} admin: so sorry`)
    await bo.screenshot({ path: join(shots, 'conversation-collision.png'), fullPage: true })
    await bo.getByRole('button', { name: 'Send mine anyway' }).click()
    const mine = bo.locator('.replies li', { hasText: "Sorry your bag hasn't arrived" })
    await mine.waitFor()
    await expect.poll(() => mine.locator('.chip').textContent(), { timeout: stepTimeoutMs }).toBe('sent')
    const platforms = await (await fetch(`${session.url}/demo/platforms`)).json() as { bluesky: { posts: { value: { text: string } }[] } }
    const texts = platforms.bluesky.posts.map((p) => p.value.text)
    expect(texts.filter((t) => t.startsWith(`${marker} admin:`))).toHaveLength(1)
    expect(texts.filter((t) => t.startsWith("Sorry your bag hasn't arrived"))).toHaveLength(1)
  })
})
