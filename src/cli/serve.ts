import { loadConfig, type ConfigInput } from '../config.ts'
import { demoSitePage, startDemoPlatforms } from '../demo/platforms.ts'
import { startDemo } from '../demo/run.ts'
import { setDemoSignIns, type DemoSignIns } from '../demo/sign-ins.ts'
import { demoWorkspaceSlug, startEarshot } from '../server.ts'
import { describeStore } from '../store/index.ts'

export async function serve(input: ConfigInput): Promise<void> {
  const config = loadConfig(input)
  const log = (line: string) => console.error(`[earshot] ${line}`)
  log(`starting: store ${describeStore(config.store)}, bus ${config.bus.kind === 'nats' ? `NATS JetStream ${config.bus.url}` : 'in-process'}`)
  const t0 = Date.now()
  const earshot = await startEarshot(config, { log, httpLogger: process.env.EARSHOT_HTTP_LOG === '1' })
  const demoWorkspace = config.demo ? await earshot.store.workspaces.bySlug(demoWorkspaceSlug) : null
  let platforms: Awaited<ReturnType<typeof startDemoPlatforms>> | null = null
  const demoSignIns: DemoSignIns | null = demoWorkspace === null ? null : await setDemoSignIns(earshot.store, demoWorkspace.id)
  if (demoWorkspace !== null) {
    // Local stand-ins for X and Bluesky, so replies in the demo go through the real send path.
    platforms = await startDemoPlatforms(earshot.store, earshot.secretBox, demoWorkspace.id)
    const page = demoSitePage(platforms.webchatAccountId)
    earshot.app.get('/demo/site', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(page))
    const standIns = platforms
    earshot.app.get('/demo/platforms', { schema: { hide: true } }, async () => standIns.posted())
    await earshot.sources.refresh()
  }
  const address = await earshot.app.listen({ host: config.host, port: config.port })
  log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s — inbox at ${address}/  API docs at ${address}/docs`)
  if (earshot.generatedAdminToken !== null) {
    console.log(`\nAdmin API token (shown once; keep it): ${earshot.generatedAdminToken}`)
    console.log(`Open the inbox signed in: ${address}/#token=${earshot.generatedAdminToken}\n`)
  }
  if (demoSignIns !== null) {
    console.log(`Demo sign-in at ${address}/ — supervisor ${demoSignIns.supervisor}, agents ${demoSignIns.agents.join(', ')}; password: ${demoSignIns.password}\n`)
  }
  let demo: ReturnType<typeof startDemo> | null = null
  if (demoWorkspace !== null) {
    demo = startDemo(earshot.store, earshot.bus, { workspaceId: demoWorkspace.id, speed: config.demoSpeed, burst: 25, log })
    log(`demo traffic flowing into workspace "${demoWorkspace.name}" (turn off with --no-demo); replies go to local stand-ins for X and Bluesky; web chat demo site at ${address}/demo/site`)
  }
  let closing = false
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    log(`${signal}: shutting down`)
    demo?.stop()
    Promise.all([earshot.close(), platforms?.close()]).then(() => process.exit(0), (error: unknown) => {
      log(`error while shutting down: ${String(error)}`)
      process.exit(1)
    })
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
}
