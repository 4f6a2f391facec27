// The supervisor side in a real browser against a real server (`earshot serve` with the demo
// workspace): the wallboard (tiles equal the API's numbers, charts draw, live refresh, phone
// width) and the channel settings (connect a webhook account through the form, see it listed
// with its webhook URL and its secret only as "set", test it; an agent token is told it needs
// an admin). Screenshots go to screenshots/.
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerProcess } from '../src/testing/server-process.ts'
import { hasChromium, openDemoSession, shots, stepTimeoutMs, type DemoSession } from './demo-session.ts'

const token = 'browser-e2e-supervisor-token'

interface WallboardAnswer {
  totals: { open: number; unassigned: number; waiting: number; longestWaitSeconds: number | null }
  hourly: { inbound: number }[]
  spike: { lastHourInbound: number }
}

describe.skipIf(!hasChromium)('supervisor app in Chromium', () => {
  let server: ServerProcess
  let url = ''
  let browser: Browser
  let page: Page

  const apiGet = async <T,>(path: string, bearer = token): Promise<{ status: number; json: T }> => {
    const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${bearer}` } })
    return { status: res.status, json: await res.json() as T }
  }

  let session: DemoSession

  beforeAll(async () => {
    session = await openDemoSession(token, 'Sam Supervisor')
    ;({ server, url, browser, page } = session)
  })

  afterAll(async () => {
    await session?.close()
  })

  const tileNumber = async (tile: string) => Number(await page.locator(`[data-tile="${tile}"] .tile-value`).textContent())

  it('opens the wallboard from the header: tiles show the demo workspace\'s numbers and both charts draw', async () => {
    await page.goto(`${url}/#token=${token}`)
    await page.locator('[data-live="live"]').waitFor()
    expect(await page.locator('header select[aria-label="Workspace"]').inputValue()).toBe('demo')
    const first = await apiGet<WallboardAnswer>('/api/v1/wallboard?workspace=demo')
    expect(first.status, 'GET /api/v1/wallboard answers (wallboardRoutes is registered in src/api/app.ts)').toBe(200)
    // let the demo produce some traffic first
    await expect.poll(async () => (await apiGet<WallboardAnswer>('/api/v1/wallboard?workspace=demo')).json.totals?.open ?? 0, { timeout: 45_000 }).toBeGreaterThanOrEqual(3)

    await page.getByRole('link', { name: 'Wallboard' }).click()
    await page.waitForURL('**/supervisor')
    expect(await page.getByRole('link', { name: 'Wallboard' }).getAttribute('aria-current')).toBe('page')
    await page.locator('[data-tile="open"] .tile-value').waitFor()

    // The demo keeps producing traffic, so compare with the API until a read of both agrees.
    await expect.poll(async () => {
      const api = (await apiGet<WallboardAnswer>('/api/v1/wallboard?workspace=demo')).json
      const shown = { open: await tileNumber('open'), unassigned: await tileNumber('unassigned'), waiting: await tileNumber('waiting') }
      return JSON.stringify(shown) === JSON.stringify({ open: api.totals.open, unassigned: api.totals.unassigned, waiting: api.totals.waiting })
    }, { timeout: 45_000, interval: 500 }).toBe(true)
    expect(await tileNumber('open')).toBeGreaterThanOrEqual(3)
    expect(await page.locator('[data-tile="longest-wait"] .tile-value').textContent()).toMatch(/^(\d+ s|\d+ min|\d+ h \d\d min|\d+ d \d+ h|—)$/)

    for (const chart of ['volume', 'replies']) {
      const canvas = page.locator(`[data-chart="${chart}"] canvas`)
      await canvas.waitFor()
      const box = await canvas.boundingBox()
      expect(box?.width, `${chart} chart width`).toBeGreaterThan(300)
      expect(box?.height, `${chart} chart height`).toBeGreaterThan(100)
    }
    expect(await page.locator('section[aria-labelledby="agents-title"] tr', { hasText: 'Sam Supervisor' }).count()).toBe(1)
    await page.screenshot({ path: join(shots, 'wallboard.png'), fullPage: true })
  })

  it('refetches when the stream reports a conversation, well before the 30 s poll', async () => {
    const refetched = page.waitForResponse((r) => r.url().includes('/api/v1/wallboard') && r.request().method() === 'GET', { timeout: 6_000 })
    const res = await fetch(`${url}/api/v1/ingest/webhook?workspace=demo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: `e2e-wb-${Date.now()}`, type: 'message', author: { id: 'e2e-customer', name: 'E2E Customer' }, text: 'Where is my refund? Waiting for weeks.', created_at: new Date().toISOString() }),
    })
    expect(res.status, await res.clone().text()).toBe(200)
    const answer = await (await refetched).json() as WallboardAnswer
    expect(answer.totals.open).toBeGreaterThan(0)
  })

  it('fits a phone screen', async () => {
    const phone = await browser.newPage({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true })
    phone.setDefaultTimeout(stepTimeoutMs)
    try {
      await phone.goto(`${url}/supervisor#token=${token}`)
      await phone.locator('[data-tile="open"] .tile-value').waitFor()
      await phone.locator('[data-chart="replies"] canvas').waitFor()
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      const wide = await phone.evaluate(() => [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}.${String(e.className)}`))
      expect(overflow, `no horizontal scrolling at 375 px; too wide: ${wide.join(', ')}`).toBeLessThanOrEqual(0)
      const canvas = await phone.locator('[data-chart="volume"] canvas').boundingBox()
      expect(canvas?.width).toBeGreaterThan(250)
      expect(canvas?.width).toBeLessThanOrEqual(375)
      await phone.screenshot({ path: join(shots, 'wallboard-phone.png'), fullPage: true })
    } finally {
      await phone.close()
    }
  })

  it('connects a webhook account through the form and lists it with its webhook URL, secret never shown', async () => {
    await page.getByRole('link', { name: 'Settings', exact: true }).click()
    await page.getByRole('link', { name: 'Channels' }).click()
    await page.waitForURL('**/settings/channels')
    const channels = (await apiGet<{ items: { name: string; settings: string[]; secrets: string[] }[] }>('/api/v1/channels')).json.items
    const webhook = channels.find((c) => c.name === 'webhook')
    expect(webhook?.secrets).toContain('signingSecret')

    await page.getByLabel('Channel', { exact: true }).selectOption('webhook')
    await page.getByLabel('Account name').fill('E2E outgoing hook')
    const secretInput = page.locator('form.connect-form input[name="signingSecret"]')
    expect(await secretInput.getAttribute('type')).toBe('password')
    await secretInput.fill('e2e-very-secret-value')
    await page.getByRole('button', { name: 'Connect', exact: true }).click()

    const item = page.locator('li.account[data-account="E2E outgoing hook"]')
    await item.waitFor()
    const listed = (await apiGet<{ items: { id: string; name: string; secretsSet: string[] }[] }>('/api/v1/channel-accounts?workspace=demo')).json.items
    const created = listed.find((a) => a.name === 'E2E outgoing hook')
    expect(created?.secretsSet).toEqual(['signingSecret'])
    expect(await item.locator('.webhook-url input').inputValue()).toBe(`${url}/api/v1/webhooks/webhook/${created!.id}`)
    expect(await page.content()).not.toContain('e2e-very-secret-value')
    expect(await item.locator('.account-fields').textContent()).toContain('set')

    // no outgoing URL yet: the test says what is missing instead of passing
    await item.getByRole('button', { name: /Test connection/ }).click()
    const result = item.locator('[data-test-result]')
    await result.waitFor()
    expect(await result.textContent()).toMatch(/Connection (works|failed): \S/)

    // a secret already set shows as "set" with a way to replace it
    await item.getByRole('button', { name: /^Edit/ }).click()
    await item.getByRole('button', { name: /Replace/ }).waitFor()
    await page.screenshot({ path: join(shots, 'channels.png'), fullPage: true })
    await item.getByRole('button', { name: /Replace/ }).click()
    await item.getByLabel(/New signing secret/).fill('e2e-replaced-secret-value')
    await item.getByRole('button', { name: 'Save changes' }).click()
    await page.getByText('Saved "E2E outgoing hook".').waitFor()
    expect(await item.locator('.account-fields').textContent()).toContain('set')
    expect(await page.content()).not.toContain('e2e-replaced-secret-value')

    // disable, then delete with confirmation
    await item.getByLabel('Enabled').uncheck()
    await item.locator('.chip', { hasText: 'disabled' }).waitFor()
    page.once('dialog', (d) => { void d.accept() })
    await item.getByRole('button', { name: /^Delete/ }).click()
    await expect.poll(() => page.locator('li.account[data-account="E2E outgoing hook"]').count()).toBe(0)
  })

  it('tells an agent token that connecting needs an admin', async () => {
    const minted = await fetch(`${url}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'e2e agent', role: 'agent', workspace: 'demo' }),
    })
    expect(minted.status).toBe(201)
    const agentToken = (await minted.json() as { token: string }).token
    const agentPage = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    agentPage.setDefaultTimeout(stepTimeoutMs)
    try {
      await agentPage.goto(`${url}/settings/channels#token=${agentToken}`)
      await agentPage.getByLabel('Channel', { exact: true }).selectOption('webhook')
      await agentPage.getByLabel('Account name').fill('Not allowed')
      await agentPage.getByRole('button', { name: 'Connect', exact: true }).click()
      const alert = agentPage.locator('form.connect-form [role="alert"]')
      await alert.waitFor()
      expect(await alert.textContent()).toMatch(/Not allowed with this token: .*admin/)
    } finally {
      await agentPage.close()
    }
  })

  it('approves a trainee\'s held reply, edited: only the approved text reaches the platform', async () => {
    const call = async <T,>(method: string, path: string, body: unknown, bearer = token): Promise<T> => {
      const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
      expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300)
      return await res.json() as T
    }
    const trainee = await call<{ id: string }>('POST', '/api/v1/agents?workspace=demo', { name: 'Tia Trainee' })
    const traineeToken = (await call<{ token: string }>('POST', '/api/v1/tokens', { name: 'tia', role: 'agent', workspace: 'demo', agentId: trainee.id })).token
    await call('PUT', '/api/v1/settings/approval-policy?workspace=demo', { agents: [trainee.id], queues: [], riskFlags: [], reachOver: null })
    const bluesky = (await apiGet<{ items: { id: string }[] }>('/api/v1/conversations?workspace=demo&channel=bluesky&limit=1')).json.items[0]!
    const draft = `e2e-held ${Date.now().toString(36)} sorry, we will look into it`
    const held = await call<{ id: string; status: string }>('POST', `/api/v1/conversations/${bluesky.id}/replies?workspace=demo`, { text: draft }, traineeToken)
    expect(held.status).toBe('held')

    await page.setViewportSize({ width: 1280, height: 800 })
    await page.goto(`${url}/supervisor/approvals`)
    const item = page.locator(`li.held[data-reply-id="${held.id}"]`)
    await item.waitFor()
    expect(await item.locator('.chips').textContent()).toContain(trainee.id)
    const edited = `${draft} today, and refund the fee`
    await item.getByLabel(/^Reply/).fill(edited)
    await item.getByLabel(/^Note/).fill('add the refund')
    await page.screenshot({ path: join(shots, 'approvals.png'), fullPage: true })
    await item.getByRole('button', { name: 'Approve edited' }).click()
    await expect.poll(() => page.locator(`li.held[data-reply-id="${held.id}"]`).count()).toBe(0)
    await expect.poll(async () => (await apiGet<{ items: { id: string; status: string; text: string }[] }>(`/api/v1/conversations/${bluesky.id}/replies?workspace=demo`)).json.items.find((r) => r.id === held.id)?.status, { timeout: stepTimeoutMs }).toBe('sent')
    const platforms = (await apiGet<{ bluesky: { posts: { value: { text: string } }[] } }>('/demo/platforms')).json
    const texts = platforms.bluesky.posts.map((p) => p.value.text)
    expect(texts).toContain(edited)
    expect(texts).not.toContain(draft)
  })
})
