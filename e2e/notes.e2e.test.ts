// Tags, internal notes with an @mention, the customer's other conversations, and the mentioned
// colleague's "Mentions" view, in Chromium against `earshot serve` with the demo workspace.
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jetstreamPost } from '../src/testing/payloads.ts'
import { demoPassword, hasChromium, openDemoSession, shots, stepTimeoutMs, type DemoSession } from './demo-session.ts'

const token = 'browser-e2e-notes-admin-token'
const customer = 'did:plc:e2enotescustomer00000000a'

async function signIn(browser: Browser, url: string, email: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  page.setDefaultTimeout(stepTimeoutMs)
  page.on('pageerror', (e) => console.warn(`[pageerror] ${e.message}`))
  await page.goto(`${url}/`)
  await page.getByLabel('E-mail').fill(email)
  await page.getByLabel('Password').fill(demoPassword)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.locator('[data-live="live"]').waitFor()
  return { context, page }
}

describe.skipIf(!hasChromium)('notes, mentions and tags in Chromium', () => {
  let session: DemoSession
  let url = ''
  const marker = `e2enote${Date.now().toString(36)}`
  let conversationId = ''
  let otherId = ''

  const admin = async (method: string, path: string, body?: string, type = 'application/json') => {
    const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': type }) }, ...(body === undefined ? {} : { body }) })
    expect(res.status, await res.clone().text()).toBeLessThan(300)
    return res.json() as Promise<any>
  }

  beforeAll(async () => {
    session = await openDemoSession(token, 'Notes Agent')
    url = session.url
    const now = Date.now()
    const lines = [
      jetstreamPost({ did: customer, rkey: `3a${marker}`, text: `${marker} my bag never arrived in Lisbon, Northwind`, timeUs: now * 1000 }),
      jetstreamPost({ did: customer, rkey: `3b${marker}`, text: `${marker} earlier: Northwind app will not show my booking`, timeUs: (now - 3_600_000) * 1000 }),
    ]
    await admin('POST', '/api/v1/ingest/bluesky?workspace=demo', `${lines.join('\n')}\n`, 'application/x-ndjson')
    const items = (await admin('GET', '/api/v1/conversations?workspace=demo&status=new,open,pending,snoozed,resolved&limit=200&sort=recent')).items as { id: string; preview: string }[]
    conversationId = items.find((c) => c.preview.includes('bag never arrived'))!.id
    otherId = items.find((c) => c.preview.includes('will not show my booking'))!.id
  })

  afterAll(async () => {
    await session?.close()
  })

  it('Bo tags the conversation, mentions Chloé in a note (autocomplete), and sees the customer\'s other conversation', async () => {
    const { context, page } = await signIn(session.browser, url, 'bo@northwind.example')
    try {
      await page.goto(`${url}/conversations/${conversationId}`)
      await page.locator('ol.messages li.msg').first().waitFor()
      await page.getByLabel('New tag').fill('Lost Bag')
      await page.getByRole('button', { name: 'Add', exact: true }).click()
      await page.getByRole('list', { name: 'Tags' }).getByText('#lost-bag').waitFor()
      await expect.poll(() => page.getByLabel('New tag').inputValue()).toBe('')
      // a refused tag explains itself
      await page.getByLabel('New tag').fill('refund/now')
      await page.getByRole('button', { name: 'Add', exact: true }).click()
      await page.locator('#tag-problem').filter({ hasText: 'contains "/"' }).waitFor()
      await page.getByLabel('New tag').fill('')

      const note = page.getByRole('combobox', { name: /Internal note/ })
      await note.click()
      await note.pressSequentially('Customer is upset, @chl')
      await page.locator('#mention-suggestions').getByRole('option', { name: /Chloé/ }).waitFor()
      await page.keyboard.press('Enter')
      expect(await note.inputValue()).toBe('Customer is upset, @chloe ')
      await note.pressSequentially('please call them back about the bag.')
      await page.getByRole('button', { name: 'Add note' }).click()
      const saved = page.getByRole('list', { name: 'Internal notes' }).locator('li.note').first()
      await saved.locator('mark.mention', { hasText: '@chloe' }).waitFor()
      expect(await saved.textContent()).toContain('Bo Lindqvist')

      const history = page.getByRole('list', { name: 'Other conversations of this customer' })
      await history.getByText('will not show my booking').waitFor()
      await page.screenshot({ path: join(shots, 'conversation-notes-tags.png'), fullPage: true })
    } finally {
      await context.close()
    }
  })

  it('Chloé sees the mention in her Mentions view; opening it marks it seen; the tag filter finds it', async () => {
    const { context, page } = await signIn(session.browser, url, 'chloe@northwind.example')
    try {
      const link = page.getByRole('link', { name: /^Mentions/ })
      await expect.poll(() => link.getAttribute('aria-label')).toBe('Mentions, 1 unread')
      await link.click()
      await page.getByRole('heading', { name: 'Mentions of me' }).waitFor()
      const row = page.locator('li.conv', { hasText: 'bag never arrived' })
      await row.waitFor()
      expect(await page.locator('li.conv').count()).toBe(1)
      await page.screenshot({ path: join(shots, 'inbox-mentions.png') })
      await row.locator('a.preview').click()
      await page.getByRole('list', { name: 'Internal notes' }).locator('mark.mention.me').waitFor()
      await expect.poll(() => link.getAttribute('aria-label')).toBe('Mentions')

      await page.getByRole('link', { name: 'Inbox', exact: true }).click()
      await page.getByLabel('Tag').fill('#LOST-BAG')
      await page.getByLabel('Tag').press('Enter')
      await expect.poll(() => page.locator('li.conv').count()).toBe(1)
      expect(await page.locator('li.conv').first().textContent()).toContain('bag never arrived')
    } finally {
      await context.close()
    }
  })

  it('Bo merges the customer\'s other conversation into this one, follows the merged one\'s URL, and splits a message back out', async () => {
    const { context, page } = await signIn(session.browser, url, 'bo@northwind.example')
    try {
      await page.goto(`${url}/conversations/${conversationId}`)
      const history = page.getByRole('list', { name: 'Other conversations of this customer' })
      await history.getByRole('checkbox').first().check()
      await page.getByRole('button', { name: /Merge 1 into this conversation/ }).click()
      await expect.poll(() => page.locator('ol.messages li.msg').count()).toBe(2)
      await page.getByText('None on any channel.').waitFor()
      await page.screenshot({ path: join(shots, 'conversation-merged.png'), fullPage: true })

      await page.goto(`${url}/conversations/${otherId}`)
      await page.locator('.merged-notice').waitFor()
      await page.locator('.merged-notice a').click()
      await page.waitForURL(`**/conversations/${conversationId}`)

      await page.getByRole('button', { name: /Split messages out/ }).click()
      const pick = page.getByRole('list', { name: 'Messages to split out' }).locator('li', { hasText: 'will not show my booking' })
      await pick.getByRole('checkbox').check()
      await page.getByRole('button', { name: /Split 1 into a new conversation/ }).click()
      await page.waitForURL((u) => !u.pathname.endsWith(conversationId) && !u.pathname.endsWith(otherId))
      await page.locator('li.msg', { hasText: 'will not show my booking' }).waitFor()
      expect(await page.locator('ol.messages li.msg').count()).toBe(1)
    } finally {
      await context.close()
    }
  })
})
