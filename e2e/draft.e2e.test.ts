// With an LLM configured (a local fake speaking the chat-completions protocol), the composer offers
// "Suggest a reply": the suggestion fills the reply box for the agent to edit, and what went to the
// model had the customer's personal data masked. Without one the button is not there (inbox tests).
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { did, jetstreamPost } from '../src/testing/payloads.ts'
import { startFakeLlm, type FakeLlm } from '../src/triage/llm/fake.ts'
import { hasChromium, openDemoSession, shots, type DemoSession } from './demo-session.ts'

const token = 'browser-e2e-draft-token'

describe.skipIf(!hasChromium)('reply suggestions from the optional LLM in Chromium', () => {
  let llm: FakeLlm
  let session: DemoSession
  const marker = `dr${Date.now().toString(36)}`
  const text = `${marker} Northwind charged my card 4111 1111 1111 1111 twice for the same seat`

  beforeAll(async () => {
    llm = await startFakeLlm({ apiKey: 'sk-e2e' })
    session = await openDemoSession(token, 'Ada Agent', { EARSHOT_LLM_URL: llm.url, EARSHOT_LLM_API_KEY: 'sk-e2e', EARSHOT_LLM_MODEL: 'fake-e2e' })
  })
  afterAll(async () => {
    await session?.close()
    await llm?.close()
  })

  it('fills the reply box with a suggestion; the model never saw the card number', async () => {
    const res = await fetch(`${session.url}/api/v1/ingest/bluesky?workspace=demo`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      body: `${jetstreamPost({ did: did(93_001), rkey: `3m${marker}`, text, timeUs: Date.now() * 1000 })}\n`,
    })
    expect(res.status).toBeLessThan(300)
    const list = await (await fetch(`${session.url}/api/v1/conversations?workspace=demo&channel=bluesky&limit=200`, { headers: { authorization: `Bearer ${token}` } })).json() as { items: { id: string; preview: string }[] }
    const id = list.items.find((c) => c.preview === text)!.id
    const page = session.page
    await page.goto(`${session.url}/#token=${token}`)
    await page.locator('[data-live="live"]').waitFor()
    await page.goto(`${session.url}/conversations/${id}`)
    const before = llm.requests.length
    await page.getByRole('button', { name: 'Suggest a reply' }).click()
    await expect.poll(() => page.getByLabel(/Reply on/).inputValue()).not.toBe('')
    await page.getByText(/Suggested by fake-e2e/).waitFor()
    const asked = llm.requests.slice(before).map((r) => r.user).join('\n')
    expect(asked).toContain(marker)
    expect(asked).not.toContain('4111 1111 1111 1111')
    await page.screenshot({ path: join(shots, 'conversation-suggested-reply.png'), fullPage: true })
  })
})
