// End to end, as a user runs it: `earshot serve` as its own process, `earshot ingest` from the CLI,
// then the conversations through REST and the live WebSocket; demo traffic arrives through the bus.
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { did, jetstreamPost } from '../src/testing/payloads.ts'
import { earshotBin, startServerProcess, type ServerProcess } from '../src/testing/server-process.ts'
import { fixturePath, hasSharedFixtures, sharedSkipMessage } from '../src/testing/shared.ts'

const run = promisify(execFile)
const token = 'e2e-admin-token'

export function e2eSuite(name: string, env: Record<string, string>): void {
  describe(`end to end: ${name}`, () => {
    let server: ServerProcess
    let url: string
    let dataDir: string

    const earshot = (args: string[]) => run(process.execPath, [earshotBin, ...args], { env: { ...process.env, ...env }, timeout: 120_000 })
    const get = async (path: string) => (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<any>

    beforeAll(async () => {
      server = await startServerProcess({ env: { ...env, EARSHOT_ADMIN_TOKEN: token, EARSHOT_DEMO_SPEED: '20' } })
      url = server.url
      dataDir = server.dataDir
    }, 120_000)

    afterAll(async () => {
      await server?.stop()
    })

    async function ingestAndCheck(channel: string, file: string) {
      const first = await earshot(['ingest', '--channel', channel, file, '--server', url, '--token', token, '--json'])
      const summary = JSON.parse(first.stdout)
      expect(summary.ingested).toBeGreaterThan(0)
      const second = JSON.parse((await earshot(['ingest', '--channel', channel, file, '--server', url, '--token', token, '--json'])).stdout)
      expect(second.ingested).toBe(0)
      expect(second.duplicates).toBe(summary.ingested + summary.updated)
      return summary
    }

    it('ingests a file written in the platform format and shows it through REST and the WebSocket', async () => {
      const socket = new WebSocket(`${url.replace('http', 'ws')}/api/v1/stream?workspace=default&access_token=${token}`)
      const pushed: any[] = []
      socket.on('message', (d) => pushed.push(JSON.parse(String(d))))
      await new Promise((r, j) => (socket.once('open', r), socket.once('error', j)))

      const file = join(dataDir, 'own.jsonl')
      writeFileSync(file, [
        jetstreamPost({ did: did(11), rkey: '3e2e00000001', text: 'third time this month my Northwind flight is delayed and nobody tells us anything. never again' }),
        jetstreamPost({ did: did(12), rkey: '3e2e00000002', text: 'does Northwind allow pets in the cabin?' }),
        '{"broken": ',
      ].join('\n'))
      expect(server.output()).not.toContain('using PGlite instead') // the default store really ran, no fallback
      const { stdout } = await earshot(['ingest', '--channel', 'bluesky', file, '--server', url, '--token', token])
      expect(stdout).toContain('ingested 2')
      expect(stdout).toContain('rejected line 3: MALFORMED_JSON')

      const list = await get('/api/v1/conversations?workspace=default')
      expect(list.items.map((c: any) => c.preview)).toEqual([
        'third time this month my Northwind flight is delayed and nobody tells us anything. never again',
        'does Northwind allow pets in the cabin?',
      ])
      expect(list.items[0].priorityReasons.map((r: any) => r.label)).toEqual(expect.arrayContaining(['negative complaint', 'churn words']))

      const deadline = Date.now() + 10_000
      while (pushed.filter((m) => m.type === 'conversation.created').length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      socket.close()
      expect(pushed.filter((m) => m.type === 'conversation.created').map((m) => m.conversation.id).sort()).toEqual(list.items.map((c: any) => c.id).sort())
    }, 60_000)

    it.skipIf(!hasSharedFixtures)('ingests the shared Bluesky, X and RSS fixtures, and a second ingest adds nothing', async () => {
      const bluesky = await ingestAndCheck('bluesky', fixturePath('bluesky', 'jetstream_v1_golden_mixed.jsonl'))
      expect(bluesky.ingested).toBe(1)
      const x = await ingestAndCheck('x-twitter', fixturePath('x-twitter', 'v2_streaming_output_with_error.jsonl'))
      expect(x.rejected).toEqual([{ origin: 'line 8', reason: 'MALFORMED_JSON', detail: expect.any(String) }])
      await ingestAndCheck('rss-atom', fixturePath('rss-atom', 'TechCrunch.xml'))
      const channels = new Set((await get('/api/v1/conversations?workspace=default&limit=200')).items.map((c: any) => c.channel))
      expect([...channels].sort()).toEqual(['bluesky', 'rss-atom', 'x-twitter'])
    }, 180_000)
    if (!hasSharedFixtures) it.skip(sharedSkipMessage, () => {})

    it('feeds the demo workspace with generated traffic through the bus', async () => {
      const deadline = Date.now() + 60_000
      let items: any[] = []
      while (Date.now() < deadline) {
        items = (await get('/api/v1/conversations?workspace=demo&limit=200')).items
        if (items.length >= 10 && new Set(items.map((c) => c.channel)).size >= 2) break
        await new Promise((r) => setTimeout(r, 500))
      }
      expect(items.length).toBeGreaterThanOrEqual(10)
      expect(items.some((c) => c.intent === 'complaint')).toBe(true)
    }, 90_000)
  })
}
