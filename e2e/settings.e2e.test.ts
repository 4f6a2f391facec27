// The supervisors' settings pages in a real browser against a real server (`earshot serve` with the
// demo workspace, seeded with canned responses and two automations): Ana (supervisor) reaches them
// from the header's one Settings link, creates a canned response and sees it previewed for Maria
// Silva with its grapheme counts, gets a broken template refused with each problem at the body,
// builds an automation, sees a condition refused at its row, dry-runs it against the API's own
// numbers, creates, disables and moves it; edits an agent's routing settings; every page fits a
// 390 px phone. An agent is told a supervisor is needed. Screenshots go to screenshots/.
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPassword, hasChromium, openDemoSession, shots, stepTimeoutMs, type DemoSession } from './demo-session.ts'

const token = 'browser-e2e-settings-token'

interface Automation { id: string; name: string; enabled: boolean; position: number; if: unknown; then: unknown[] }
interface DryRun { total: number; items: { matched: number; wouldFire: number; total: number; examples: string[] }[] }

const graphemes = (text: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].length

describe.skipIf(!hasChromium)('settings pages in Chromium', () => {
  let session: DemoSession
  let url = ''
  let browser: Browser
  let page: Page

  const apiCall = async <T,>(method: string, path: string, body?: unknown, bearer = token): Promise<{ status: number; json: T }> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: res.status, json: (res.status === 204 ? null : await res.json()) as T }
  }
  const automations = async () => (await apiCall<{ items: Automation[] }>('GET', '/api/v1/automations?workspace=demo')).json.items.sort((a, b) => a.position - b.position)

  beforeAll(async () => {
    session = await openDemoSession(token, 'Sam Settings')
    ;({ url, browser, page } = session)
  })

  afterAll(async () => {
    await session?.close()
  })

  it('signs Ana in; one Settings link in a header that stays on one line at 1280 px leads to the settings pages', async () => {
    await page.goto(`${url}/`)
    await page.getByLabel('E-mail').fill('ana@northwind.example')
    await page.getByLabel('Password').fill(demoPassword)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.locator('[data-live="live"]').waitFor()
    const header = await page.locator('header.top').boundingBox()
    const brand = await page.locator('header.top .brand').boundingBox()
    const signOut = await page.getByRole('button', { name: 'Sign out' }).boundingBox()
    expect(Math.abs((signOut?.y ?? 0) - (brand?.y ?? 100)), 'sign-out button on the brand\'s line').toBeLessThan(20)
    expect(header?.height).toBeLessThan(70)

    await page.getByRole('link', { name: 'Settings', exact: true }).click()
    await page.waitForURL('**/settings')
    for (const name of ['Listening rules', 'Channels', 'Canned responses', 'Automations', 'Routing']) {
      expect(await page.locator('ul.settings-index').getByRole('link', { name, exact: true }).count(), name).toBe(1)
    }
    await page.getByRole('link', { name: 'Canned responses' }).click()
    await page.waitForURL('**/settings/canned')
    expect(await page.getByRole('link', { name: 'Settings', exact: true }).first().getAttribute('aria-current')).toBe('location')
  })

  it('creates a canned response, previewed for Maria Silva with grapheme counts, and lists it', async () => {
    await page.locator('li[data-canned="Delay: sorry + rebooking"]').waitFor()
    const form = page.locator('form.canned-form')
    const title = `E2E refund on its way ${Date.now().toString(36)}`
    await form.getByLabel('Title').fill(title)
    await form.getByLabel('Language').fill('en')
    await form.getByLabel('complaint').check()
    const body = 'Hi {{customer.firstName}}, {{agent.firstName}} from {{brand.name}} here 👍🏽 your refund is on its way.'
    await form.getByLabel('Body').fill(body)
    const expected = 'Hi Maria, Ana from Northwind Air (demo) here 👍🏽 your refund is on its way.'
    await expect.poll(() => form.locator('[data-preview-text]').textContent()).toBe(expected)
    // graphemes, not UTF-16 units: the emoji with its skin tone is one character
    expect(graphemes(expected)).toBeLessThan(expected.length)
    expect(await form.locator('[data-limit="x-twitter"]').textContent()).toBe(`X: ${graphemes(expected)} / 280`)
    expect(await form.locator('[data-limit="mastodon"]').textContent()).toBe(`Mastodon: ${graphemes(expected)} / 500`)
    await form.getByRole('button', { name: 'Create canned response' }).click()
    const item = page.locator(`li[data-canned="${title}"]`)
    await item.waitFor()
    expect(await item.textContent()).toContain('complaint')
    const stored = (await apiCall<{ items: { title: string; body: string; intents: string[]; channels: unknown }[] }>('GET', '/api/v1/canned-responses?workspace=demo')).json.items.find((c) => c.title === title)
    expect(stored).toMatchObject({ body, intents: ['complaint'], channels: null })
    expect(await form.getByLabel('Title').inputValue(), 'the form is cleared for the next one').toBe('')

    // too long for X, fine for Bluesky
    await form.getByLabel('Body').fill(`${'a'.repeat(290)}`)
    await expect.poll(() => form.locator('[data-limit="x-twitter"]').getAttribute('class')).toBe('over')
    expect(await form.locator('[data-limit="x-twitter"]').textContent()).toContain('10 too many')
    expect(await form.locator('[data-limit="bluesky"]').getAttribute('class')).toBe('')

    // edit: the form loads the response, saving changes it
    await item.getByRole('button', { name: /^Edit/ }).click()
    await expect.poll(() => form.getByLabel('Title').inputValue()).toBe(title)
    await form.getByLabel('Body').fill('Hi {{customer.firstName}}, the refund is on its way.')
    await form.getByRole('button', { name: 'Save changes' }).click()
    await page.getByText(`Saved "${title}".`).waitFor()
    await expect.poll(async () => (await item.locator('.canned-body').textContent())).toBe('Hi {{customer.firstName}}, the refund is on its way.')
  })

  it('refuses a broken template with each problem next to the body', async () => {
    const form = page.locator('form.canned-form')
    await form.getByLabel('Title').fill('E2E broken')
    await form.getByLabel('Body').fill('Hello {{customer.nam}}, see {{oops')
    await form.getByRole('button', { name: 'Create canned response' }).click()
    const error = form.locator('[data-field-error="body"][role="alert"]')
    await error.waitFor()
    expect(await error.locator('li').allTextContents()).toEqual(['unknown variable {{customer.nam}}', expect.stringMatching(/unmatched "\{\{"/)])
    expect(await form.getByLabel('Body').getAttribute('aria-invalid')).toBe('true')
    const titles = (await apiCall<{ items: { title: string }[] }>('GET', '/api/v1/canned-responses?workspace=demo')).json.items.map((c) => c.title)
    expect(titles).not.toContain('E2E broken')

    // "only these channels" with none ticked: said at the channels
    await form.getByLabel('Body').fill('Hello {{customer.firstName | there}}')
    await form.getByLabel('Only these:').check()
    await form.getByLabel('X', { exact: true }).uncheck()
    await form.getByRole('button', { name: 'Create canned response' }).click()
    await form.locator('fieldset', { hasText: 'Channels' }).locator('[role="alert"]', { hasText: 'Tick at least one channel' }).waitFor()
    expect(await form.locator('[data-field-error="body"]').count(), 'the body error is gone').toBe(0)
    await form.getByLabel('Any channel').check()
    await form.getByLabel('Body').fill('Hello {{customer.nam}}, see {{oops')
    await form.getByRole('button', { name: 'Create canned response' }).click()
    await error.waitFor()
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: join(shots, 'settings-canned.png'), fullPage: true })
  })

  it('builds an automation: a condition refused at its row, a dry run matching the API, then created, disabled and moved', async () => {
    // the demo needs some conversations for the dry run to count
    await expect.poll(async () => (await apiCall<DryRun>('POST', '/api/v1/automations/dry-run?workspace=demo', { limit: 500 })).json.total, { timeout: 45_000 }).toBeGreaterThanOrEqual(5)
    await page.getByRole('link', { name: 'Settings', exact: true }).first().click()
    await page.getByRole('link', { name: 'Automations' }).click()
    await page.waitForURL('**/settings/automations')
    await page.locator('li[data-automation="Spam: tag and resolve"]').waitFor()
    expect(await page.locator('li[data-automation="Legal or safety: top priority"] .rule-words').textContent()).toContain('risk flags include any of legal, safety, regulator')

    const form = page.locator('form.rule-form')
    const name = 'E2E: tag posts on X'
    await form.getByLabel('Name', { exact: true }).fill(name)
    await form.getByLabel('Condition 1 field').selectOption('channel')
    await form.getByLabel('Condition 1 value').selectOption('x-twitter')
    await form.getByRole('button', { name: 'Add a condition (AND)' }).click()
    await form.getByLabel('Condition 2 field').selectOption('priority')
    await form.getByLabel('Condition 2 operator').selectOption('gte')
    await form.getByLabel('Condition 2 value').fill('')
    await form.getByLabel('Action 1 tag').fill('e2e-x')

    // an empty number is refused by the server, and the refusal lands on the second row
    await form.getByRole('button', { name: 'Dry run' }).click()
    const rowError = form.locator('[data-field-error="row-1"][role="alert"]')
    await rowError.waitFor()
    expect(await rowError.textContent()).toContain('$.if.all[1].value')
    expect(await form.locator('[data-field-error="row-0"]').count()).toBe(0)

    await form.getByLabel('Condition 2 value').fill('0')
    const rule = { name, when: 'message.created', if: { all: [{ field: 'channel', op: 'eq', value: 'x-twitter' }, { field: 'priority', op: 'gte', value: 0 }] }, then: [{ type: 'add_tag', tag: 'e2e-x' }], stop: false }
    const before = (await apiCall<DryRun>('POST', '/api/v1/automations/dry-run?workspace=demo', { rules: [rule], limit: 500 })).json.items[0]!
    await form.getByRole('button', { name: 'Dry run' }).click()
    const dry = form.locator('[data-dry-run]')
    await dry.waitFor()
    const after = (await apiCall<DryRun>('POST', '/api/v1/automations/dry-run?workspace=demo', { rules: [rule], limit: 500 })).json.items[0]!
    expect(await rowError.count(), 'the refusal is gone').toBe(0)
    const shown = { matched: Number(await dry.locator('[data-matched]').textContent()), total: Number(await dry.locator('[data-total]').textContent()), wouldFire: Number(await dry.locator('[data-would-fire]').textContent()) }
    expect(await dry.textContent()).toMatch(/^Would match \d+ of the last \d+ conversations, would change \d+\./)
    // the demo keeps adding conversations: the page's numbers lie between two API answers around it
    expect(shown.total).toBeGreaterThanOrEqual(before.total)
    expect(shown.total).toBeLessThanOrEqual(after.total)
    expect(shown.matched).toBeGreaterThanOrEqual(before.matched)
    expect(shown.matched).toBeLessThanOrEqual(after.matched)
    expect(shown.matched, 'the demo posts on X').toBeGreaterThan(0)
    expect(shown.wouldFire).toBeLessThanOrEqual(shown.matched)
    const links = dry.locator('a')
    expect(await links.count()).toBe(Math.min(5, shown.wouldFire))
    expect(await links.first().getAttribute('href')).toMatch(/^\/conversations\/[0-9a-f-]{36}$/)
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: join(shots, 'settings-automations.png'), fullPage: true })

    // a tag with a space: refused at the action
    await form.getByLabel('Action 1 tag').fill('e2e x')
    await form.getByRole('button', { name: 'Create automation' }).click()
    const actionError = form.locator('[data-field-error="action-0"][role="alert"]')
    await actionError.waitFor()
    expect(await actionError.textContent()).toContain('$.then[0].tag')
    expect((await automations()).map((a) => a.name)).not.toContain(name)

    await form.getByLabel('Action 1 tag').fill('e2e-x')

    // advanced: the builder's condition as JSON; a mistake in it is pointed at under the textarea
    await form.getByLabel('Advanced: write the condition as JSON').check()
    const json = form.getByLabel(/^Condition JSON/)
    expect(JSON.parse(await json.inputValue())).toEqual(rule.if)
    await json.fill('{"any": [{"field": "intent", "op": "eq", "value": "complaint"}, {"field": "sentiment", "op": "eq", "value": "angry"}]}')
    await form.getByRole('button', { name: 'Dry run' }).click()
    const ifError = form.locator('[data-field-error="if"][role="alert"]')
    await ifError.waitFor()
    expect(await ifError.textContent()).toContain('$.if.any[1].value')
    await json.fill('{"any": [')
    await form.getByRole('button', { name: 'Dry run' }).click()
    await expect.poll(() => ifError.textContent()).toMatch(/Not JSON/)
    await form.getByLabel('Advanced: write the condition as JSON').uncheck()
    expect(await form.getByLabel('Condition 2 value').inputValue(), 'back to the builder, rows kept').toBe('0')

    await form.getByRole('button', { name: 'Create automation' }).click()
    const item = page.locator(`li[data-automation="${name}"]`)
    await item.waitFor()
    let stored = await automations()
    expect(stored.map((a) => a.name)).toEqual(['Spam: tag and resolve', 'Legal or safety: top priority', name])
    expect(stored[2]).toMatchObject({ enabled: true, if: rule.if, then: rule.then })
    expect(await item.locator('.rule-words').textContent()).toContain('channel is x-twitter and priority is at least 0')

    // disable, then enable again
    await item.getByRole('checkbox', { name: /Enabled/ }).uncheck()
    await item.locator('.chip', { hasText: 'disabled' }).waitFor()
    await expect.poll(async () => (await automations()).find((a) => a.name === name)?.enabled).toBe(false)
    await item.getByRole('checkbox', { name: /Enabled/ }).check()
    await expect.poll(async () => (await automations()).find((a) => a.name === name)?.enabled).toBe(true)
    await expect.poll(() => item.locator('.chip', { hasText: 'disabled' }).count()).toBe(0)

    // move it up one: it runs before the legal rule
    await item.getByRole('button', { name: /^↑ Up/ }).click()
    await expect.poll(async () => (await automations()).map((a) => a.name)).toEqual(['Spam: tag and resolve', name, 'Legal or safety: top priority'])
    await expect.poll(() => page.locator('ol.settings-list > li h3').allTextContents()).toEqual(['Spam: tag and resolve', name, 'Legal or safety: top priority'])
    expect(await item.getByRole('button', { name: /^↑ Up/ }).isEnabled()).toBe(true)

    // the demo keeps posting on X: what the new rule did shows up with its outcome and conversation
    const run = page.locator('ul.runs-list li', { hasText: `${name}: tag "e2e-x"` }).first()
    await run.waitFor({ timeout: 45_000 })
    expect(await run.locator('.chip').textContent()).toBe('applied')
    expect(await page.locator('ul.runs-list li').count()).toBeLessThanOrEqual(12)
    const conversationId = (await run.getByRole('link', { name: 'conversation' }).getAttribute('href'))!.split('/').pop()!
    const runs = (await apiCall<{ items: { ruleId: string | null; conversationId: string; outcome: string }[] }>('GET', `/api/v1/automations/runs?workspace=demo&ruleId=${stored[2]!.id}`)).json.items
    expect(runs.some((r) => r.conversationId === conversationId && r.outcome === 'applied')).toBe(true)
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: join(shots, 'settings-automations-list.png'), fullPage: true })

    // edit it: the form loads the saved rule (builder rows, actions), saves with PATCH, and goes back to "new"
    await item.getByRole('button', { name: /^Edit/ }).click()
    const editForm = page.locator('form.rule-form')
    await editForm.getByRole('heading', { name: `Edit "${name}"` }).waitFor()
    expect(await editForm.getByLabel('Condition 2 value').inputValue(), 'the saved condition is in the builder').toBe('0')
    await editForm.getByLabel('Name').fill(`${name} (edited)`)
    await editForm.getByRole('button', { name: 'Save changes' }).click()
    await editForm.getByRole('heading', { name: 'New automation' }).waitFor()
    await expect.poll(async () => (await automations()).map((a) => a.name)).toEqual(['Spam: tag and resolve', `${name} (edited)`, 'Legal or safety: top priority'])
    const edited = (await automations()).find((a) => a.name === `${name} (edited)`)!
    expect(edited).toMatchObject({ id: stored[2]!.id, if: rule.if, then: rule.then, enabled: true })
  })

  it('shows queues in words and SLA policies; a supervisor sets a queue\'s SLA policy and an agent\'s languages, skills and capacity', async () => {
    const band = { firstResponseMinutes: 15, nextResponseMinutes: 60, resolutionMinutes: 240 }
    const slow = { firstResponseMinutes: 120, nextResponseMinutes: null, resolutionMinutes: 2880 }
    const policy = await apiCall<{ id: string }>('POST', '/api/v1/sla-policies?workspace=demo', { name: 'E2E social', policy: { calendar: null, warningPercent: 80, targets: { urgent: band, high: band, normal: slow, low: slow } } })
    expect(policy.status, JSON.stringify(policy.json)).toBe(201)
    await page.getByRole('link', { name: 'Settings', exact: true }).first().click()
    await page.getByRole('link', { name: 'Routing' }).click()
    await page.waitForURL('**/settings/routing')
    const inbox = page.locator('li[data-queue="Inbox"]')
    await inbox.waitFor()
    expect(await inbox.locator('.rule-words').textContent()).toContain('no other queue matches')
    const sla = page.locator('li[data-policy="E2E social"]')
    expect(await sla.locator('tr', { hasText: 'urgent' }).locator('td').allTextContents()).toEqual(['15 min', '1 h', '4 h'])
    expect(await sla.locator('tr', { hasText: 'low' }).locator('td').allTextContents()).toEqual(['2 h', '—', '2 d'])
    await inbox.getByLabel('SLA policy').selectOption({ label: 'E2E social' })
    await inbox.getByLabel('Languages').fill('en, fr')
    await inbox.getByRole('button', { name: /^Save/ }).click()
    await page.getByText('Queue "Inbox" saved.').waitFor()
    const queue = (await apiCall<{ items: { name: string; slaPolicyId: string | null; languages: string[] }[] }>('GET', '/api/v1/routing/queues?workspace=demo')).json.items.find((q) => q.name === 'Inbox')
    expect(queue).toMatchObject({ slaPolicyId: policy.json.id, languages: ['en', 'fr'] })
    const bo = page.locator('li[data-agent="Bo Lindqvist"]')
    await bo.waitFor()
    await bo.getByLabel('Languages').fill('en, sv')
    await bo.getByLabel(/^Skills/).fill('baggage:3, refunds:2')
    await bo.getByLabel('email').fill('6')
    await bo.getByRole('button', { name: /^Save/ }).click()
    await page.getByText('Bo Lindqvist saved.').waitFor()
    const agents = (await apiCall<{ items: { id: string; name: string }[] }>('GET', '/api/v1/agents?workspace=demo')).json.items
    const boId = agents.find((a) => a.name === 'Bo Lindqvist')!.id
    const saved = (await apiCall<{ languages: string[]; skills: unknown; capacity: { email: number } }>('GET', `/api/v1/agents/${boId}?workspace=demo`)).json
    expect(saved).toMatchObject({ languages: ['en', 'sv'], skills: [{ name: 'baggage', level: 3 }, { name: 'refunds', level: 2 }], capacity: { email: 6 } })

    // a skill without a level in range is refused before it is sent
    await bo.getByLabel(/^Skills/).fill('baggage:9')
    await bo.getByRole('button', { name: /^Save/ }).click()
    expect(await bo.locator('[role="alert"]').textContent()).toContain('level of 1 to 5')
    await bo.getByLabel(/^Skills/).fill('baggage:3, refunds:2')
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: join(shots, 'settings-routing.png'), fullPage: true })
  })

  it('fits a 390 px phone without horizontal scrolling', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    phone.setDefaultTimeout(stepTimeoutMs)
    try {
      await phone.goto(`${url}/settings#token=${token}`)
      await phone.locator('[data-live="live"]').waitFor()
      for (const [path, ready] of [['/settings', 'ul.settings-index'], ['/settings/canned', 'li[data-canned]'], ['/settings/automations', 'li[data-automation]'], ['/settings/routing', 'li[data-agent]'], ['/settings/listening', 'ul.rules li.rule'], ['/settings/channels', 'li.account']] as const) {
        await phone.goto(`${url}${path}`)
        await phone.locator(ready).first().waitFor()
        const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
        const wide = await phone.evaluate(() => [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
          .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}.${String(e.className)}`))
        expect(overflow, `${path}: no horizontal scrolling at 390 px; too wide: ${wide.join(', ')}`).toBeLessThanOrEqual(0)
        if (path === '/settings/automations') await phone.screenshot({ path: join(shots, 'settings-automations-phone.png') })
      }
    } finally {
      await phone.close()
    }
  })

  it('tells an agent that changes need a supervisor', async () => {
    const minted = await apiCall<{ token: string }>('POST', '/api/v1/tokens', { name: 'e2e settings agent', role: 'agent', workspace: 'demo' })
    expect(minted.status).toBe(201)
    const agentPage = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    agentPage.setDefaultTimeout(stepTimeoutMs)
    try {
      await agentPage.goto(`${url}/settings/canned#token=${minted.json.token}`)
      const form = agentPage.locator('form.canned-form')
      await form.getByLabel('Title').fill('Not allowed')
      await form.getByLabel('Body').fill('Hello {{customer.firstName | there}}')
      await form.getByRole('button', { name: 'Create canned response' }).click()
      const alert = form.locator('[role="alert"]')
      await alert.waitFor()
      expect(await alert.textContent()).toMatch(/Not allowed: .*supervisor/)
    } finally {
      await agentPage.close()
    }
  })
})
