// What every browser test starts from: `earshot serve` with the demo workspace in a child process,
// one extra agent, and Debian's chromium on a 1280×800 page. Screenshots go to screenshots/.
import { existsSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { expect } from 'vitest'
import { startServerProcess, type ServerProcess } from '../src/testing/server-process.ts'

const root = resolve(import.meta.dirname, '..')
export const chromiumPath = '/usr/bin/chromium'
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
export const hasChromium = existsSync(chromiumPath)
export const shots = join(root, 'screenshots')
export const stepTimeoutMs = 20_000
/** The demo's people (ana@, bo@, chloe@northwind.example) sign in with this in the browser tests. */
export const demoPassword = 'browser-e2e demo password'

if (!hasChromium) console.warn(`[e2e] skipping the browser tests: ${chromiumPath} is missing (apt-get install chromium)`)

export interface DemoSession {
  server: ServerProcess
  url: string
  browser: Browser
  page: Page
  close(): Promise<void>
}

export async function openDemoSession(token: string, agentName: string, extraEnv: Record<string, string> = {}): Promise<DemoSession> {
  expect(existsSync(join(root, 'web/dist/index.html')), 'web/dist is built by the global setup').toBe(true)
  mkdirSync(shots, { recursive: true })
  // ownStore: CI exports DATABASE_URL/NATS_URL for the integration suite; each browser test file gets a fresh PGlite
  const server = await startServerProcess({ ownStore: true, args: ['--store', 'pglite'], env: { EARSHOT_ADMIN_TOKEN: token, EARSHOT_DEMO_SPEED: '20', EARSHOT_DEMO_PASSWORD: demoPassword, ...extraEnv } })
  const url = server.url
  const agent = await fetch(`${url}/api/v1/agents?workspace=demo`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: agentName }),
  })
  expect(agent.status).toBe(201)
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true })
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  page.setDefaultTimeout(stepTimeoutMs)
  page.on('pageerror', (e) => console.warn(`[pageerror] ${e.message}`))
  return {
    server, url, browser, page,
    async close() {
      await browser.close()
      await server.stop()
    },
  }
}
