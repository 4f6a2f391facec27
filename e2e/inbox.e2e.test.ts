// The agent app in a real browser against a real server (`earshot serve` with the demo workspace):
// the prioritised inbox, a live arrival without reload, the conversation view (correct, resolve),
// and the listening-rule editor's positioned error. Screenshots go to screenshots/.
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jetstreamPost } from '../src/testing/payloads.ts'
import type { ServerProcess } from '../src/testing/server-process.ts'
import { demoPassword, hasChromium, openDemoSession, shots, stepTimeoutMs, type DemoSession } from './demo-session.ts'

const token = 'browser-e2e-admin-token'

describe.skipIf(!hasChromium)('agent app in Chromium', () => {
  let server: ServerProcess
  let url = ''
  let browser: Browser
  let page: Page

  let session: DemoSession

  beforeAll(async () => {
    session = await openDemoSession(token, 'Ada Agent')
    ;({ server, url, browser, page } = session)
  })

  afterAll(async () => {
    await session?.close()
  })

  const marker = `e2e${Date.now().toString(36)}`
  let conversationPath = ''

  it('signs in from #token= and shows the demo inbox by priority with reasons, live', async () => {
    await page.goto(`${url}/#token=${token}`)
    await page.locator('[data-live="live"]').waitFor()
    expect(new URL(page.url()).hash, 'the token is taken out of the URL').toBe('')
    expect(await page.locator('header select[aria-label="Workspace"]').inputValue()).toBe('demo')
    // the demo generates traffic every few seconds; wait for a few conversations
    await page.waitForFunction(() => document.querySelectorAll('li.conv').length >= 3, undefined, { timeout: 45_000 })
    const priorities = await page.locator('li.conv').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-priority'))))
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a))
    await expect.poll(() => page.locator('li.conv').first().locator('.reasons .chip').count()).toBeGreaterThan(0)
    await page.screenshot({ path: join(shots, 'inbox.png') })
  })

  it('moves with j/k and opens with Enter', async () => {
    await page.keyboard.press('j')
    const first = await page.locator('li.conv').nth(0).getAttribute('data-id')
    await expect.poll(() => page.locator('li.conv.selected').getAttribute('data-id')).toBe(first)
    await page.keyboard.press('j')
    await page.keyboard.press('k')
    const selected = await page.locator('li.conv.selected').getAttribute('data-id')
    expect(selected).not.toBeNull()
    await page.keyboard.press('Enter')
    await page.waitForURL(`**/conversations/${selected}`)
    await page.locator('ol.messages li.msg').first().waitFor()
    await page.goBack()
    await page.locator('li.conv').first().waitFor()
  })

  it('shows a message ingested through the API without a reload', async () => {
    await page.evaluate(() => { (window as unknown as { e2eNoReload: boolean }).e2eNoReload = true })
    const text = `${marker}: third time this month my Northwind flight is delayed and nobody tells us anything. never again. call me on +44 7700 900123`
    const res = await fetch(`${url}/api/v1/ingest/bluesky?workspace=demo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      body: `${jetstreamPost({ did: 'did:plc:e2ebrowsertraveller0000a', rkey: `3m${marker}`, text, timeUs: Date.now() * 1000 })}\n`,
    })
    expect(res.status, await res.clone().text()).toBeLessThan(300)
    const row = page.locator('li.conv', { hasText: marker })
    await row.waitFor()
    expect(await page.evaluate(() => (window as unknown as { e2eNoReload?: boolean }).e2eNoReload)).toBe(true)
    expect(await row.locator('.reasons .chip').count()).toBeGreaterThan(0)
    await row.locator('a.preview').click()
    await page.waitForURL('**/conversations/*')
    conversationPath = new URL(page.url()).pathname
  })

  it('opens the conversation, masks personal data, takes an intent correction and resolves', async () => {
    const message = page.locator('li.msg', { hasText: marker })
    await message.waitFor()
    await expect.poll(() => message.locator('.msg-text').textContent()).not.toContain('7700 900123')
    await message.getByRole('button', { name: 'Show personal data' }).click()
    await expect.poll(() => message.locator('.msg-text').textContent()).toContain('7700 900123')
    await message.getByRole('button', { name: 'Hide personal data' }).click()

    const intent = message.locator('select[aria-label^="Intent"]')
    const before = await intent.inputValue()
    const corrected = before === 'question' ? 'complaint' : 'question'
    await intent.selectOption(corrected)
    await page.getByText('Correction saved').waitFor()
    await expect.poll(() => intent.inputValue()).toBe(corrected)
    await page.screenshot({ path: join(shots, 'conversation.png'), fullPage: true })

    await page.getByLabel('Assigned to').selectOption({ label: 'Ada Agent' })
    await page.getByText('Assignment saved').waitFor()

    await page.getByRole('button', { name: 'Resolved' }).click()
    await expect.poll(() => page.locator('.conv-head .status').textContent()).toBe('resolved')
    const id = conversationPath.split('/').pop()!
    const stored = await (await fetch(`${url}/api/v1/conversations/${id}?workspace=demo`, { headers: { authorization: `Bearer ${token}` } })).json() as { status: string; assignee: { name: string } | null; messages: { intent: string }[] }
    expect(stored.status).toBe('resolved')
    expect(stored.assignee?.name).toBe('Ada Agent')
    expect(stored.messages[0]?.intent).toBe(corrected)
  })

  it('replies publicly: the answer reaches the platform threaded under the post, and shows as sent', async () => {
    await page.goto(`${url}${conversationPath}`)
    const reply = `${marker} so sorry, we are on it: please DM us your booking reference`
    await page.getByLabel(/Reply on/).fill(reply)
    await expect.poll(() => page.locator('#reply-count').textContent()).toMatch(/\/ 300$/)
    await page.getByRole('button', { name: 'Send publicly' }).click()
    const sent = page.locator('.replies li', { hasText: marker })
    await sent.waitFor()
    await expect.poll(() => sent.locator('.chip').textContent(), { timeout: stepTimeoutMs }).toBe('sent')
    await page.locator('li.msg.out', { hasText: marker }).waitFor()
    await page.screenshot({ path: join(shots, 'conversation-replied.png'), fullPage: true })
    // The demo's local Bluesky got exactly one post, threaded under the customer's post.
    const platforms = await (await fetch(`${url}/demo/platforms`)).json() as { bluesky: { posts: { value: { text: string; reply?: { parent: { uri: string } } } }[] } }
    const ours = platforms.bluesky.posts.filter((p) => p.value.text === reply)
    expect(ours).toHaveLength(1)
    expect(ours[0]!.value.reply?.parent.uri).toBe(`at://did:plc:e2ebrowsertraveller0000a/app.bsky.feed.post/3m${marker}`)
  })

  it('leaves the resolved conversation out of the inbox', async () => {
    await page.getByRole('link', { name: '← Inbox' }).click()
    await page.locator('li.conv').first().waitFor()
    expect(await page.locator('li.conv', { hasText: marker }).count()).toBe(0)
  })

  it('points at the position of an invalid listening rule', async () => {
    await page.getByRole('link', { name: 'Settings', exact: true }).click()
    await page.getByRole('link', { name: 'Listening rules' }).click()
    await page.waitForURL('**/settings/listening')
    await page.locator('ul.rules li.rule').first().waitFor()
    await page.getByLabel('Name').fill('Northwind delays')
    await page.getByLabel('Query').fill('northwind AND (delay OR')
    const invalid = page.locator('.invalid')
    await invalid.waitFor()
    expect(await invalid.textContent()).toMatch(/position \d+/)
    expect(await page.getByLabel('Query').getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator('.pointer mark.at').count()).toBe(1)
    expect(await page.getByRole('button', { name: 'Create rule' }).isDisabled()).toBe(true)
    await page.screenshot({ path: join(shots, 'listening-rules.png'), fullPage: true })

    await page.getByLabel('Query').fill('northwind AND (delay* OR cancel*)')
    await page.locator('.ok-text').waitFor()
    // the preview runs the query over recent traffic: the demo always has delayed and cancelled flights
    const preview = await page.getByTestId('rule-preview').textContent()
    expect(preview).toMatch(/^matches \d+ of the last \d+ stored messages$/)
    expect(Number(/matches (\d+)/.exec(preview!)![1])).toBeGreaterThan(0)
    expect(await page.getByRole('list', { name: 'Matching messages' }).locator('a').count()).toBeGreaterThan(0)
    await page.screenshot({ path: join(shots, 'listening-preview.png'), fullPage: true })
    await page.getByRole('button', { name: 'Create rule' }).click()
    await page.locator('li.rule', { hasText: 'Northwind delays' }).waitFor()
  })

  it('signs an agent in with e-mail and password (HttpOnly cookie, no token in the page) and out again', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const agentPage = await context.newPage()
    agentPage.setDefaultTimeout(stepTimeoutMs)
    try {
      await agentPage.goto(`${url}/`)
      await agentPage.getByLabel('E-mail').fill('bo@northwind.example')
      await agentPage.getByLabel('Password').fill('not the password')
      await agentPage.getByRole('button', { name: 'Sign in' }).click()
      await agentPage.getByRole('alert').filter({ hasText: /wrong e-mail or password/i }).waitFor()
      await agentPage.getByLabel('Password').fill(demoPassword)
      await agentPage.getByRole('button', { name: 'Sign in' }).click()
      await agentPage.locator('[data-live="live"]').waitFor()
      expect(await agentPage.locator('header .who').textContent()).toBe('Bo Lindqvist')
      const headerHeight = await agentPage.locator('header.top').evaluate((e) => e.getBoundingClientRect().height)
      expect(headerHeight, 'an agent\'s header (with @me, presence and load) fits one row at 1280 px').toBeLessThan(70)
      expect(await agentPage.locator('header .who').getAttribute('title')).toMatch(/^agent, signed in with a password/)
      await agentPage.locator('li.conv').first().waitFor()
      // his own presence, from the header: online means the router may give him work
      expect(await agentPage.getByLabel('My presence').inputValue()).toBe('offline')
      await agentPage.getByLabel('My presence').selectOption('online')
      await agentPage.getByText('You are online.').waitFor()
      const auth = { headers: { authorization: `Bearer ${token}` } }
      const agents = await (await fetch(`${url}/api/v1/agents?workspace=demo`, auth)).json() as { items: { id: string; name: string }[] }
      const boId = agents.items.find((a) => a.name === 'Bo Lindqvist')!.id
      const bo = await (await fetch(`${url}/api/v1/agents/${boId}?workspace=demo`, auth)).json() as { presence: string; capacity: { public: number; private: number; email: number } }
      expect(bo.presence).toBe('online')
      const room = bo.capacity.public + bo.capacity.private + bo.capacity.email
      expect(await agentPage.locator('header .load').textContent()).toMatch(new RegExp(`^\\d+(\\.\\d+)?/${room}$`))
      // "Mine": what the router just gave him, each unread until opened
      await agentPage.locator('.views button[data-view="mine"]').click()
      await expect.poll(() => agentPage.locator('li.conv').count()).toBeGreaterThan(0)
      const mine = await agentPage.locator('li.conv .meta').allTextContents()
      expect(mine.every((m) => m.includes('→ Bo Lindqvist')), mine.join(' | ')).toBe(true)
      const unread = Number(await agentPage.locator('.views button[data-view="mine"] .unread').textContent())
      expect(unread).toBe(mine.length)
      await agentPage.locator('li.conv a.preview').first().click()
      await agentPage.locator('ol.messages li.msg').first().waitFor()
      await agentPage.getByRole('link', { name: '← Inbox' }).click()
      await expect.poll(async () => Number((await agentPage.locator('.views button[data-view="mine"] .unread').textContent().catch(() => '0')) ?? 0)).toBe(unread - 1)
      const cookies = await context.cookies()
      const cookie = cookies.find((c) => c.name === 'earshot_session')
      expect(cookie?.httpOnly).toBe(true)
      expect(cookie?.sameSite).toBe('Lax')
      expect(await agentPage.evaluate(() => document.cookie), 'scripts cannot read the session').not.toContain('earshot_session')
      expect(await agentPage.evaluate(() => JSON.stringify(localStorage)), 'no token kept in the page').not.toMatch(/es_|token/)
      await agentPage.screenshot({ path: join(shots, 'inbox-agent-password.png') })
      // a reload keeps the session (the cookie), and signing out ends it on the server too
      await agentPage.reload()
      await agentPage.locator('[data-live="live"]').waitFor()
      await agentPage.getByRole('button', { name: 'Sign out' }).click()
      await agentPage.getByLabel('E-mail').waitFor()
      const after = await agentPage.evaluate(async () => (await fetch('/api/v1/session')).status)
      expect(after).toBe(401)
    } finally {
      await context.close()
    }
  })

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await page.getByRole('link', { name: 'Inbox', exact: true }).click()
    await page.locator('li.conv').first().waitFor()
    await page.screenshot({ path: join(shots, 'inbox-phone.png') })
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}.${e.className}`))
    expect(overflow, `no horizontal scrolling at 390 px; too wide: ${wide.join(', ')}`).toBeLessThanOrEqual(0)
    await page.goto(`${url}${conversationPath}`)
    await page.locator('li.msg').first().waitFor()
    await page.screenshot({ path: join(shots, 'conversation-phone.png'), fullPage: true })
  })
})
