import { loadConfig, type ConfigInput } from '../config.ts'
import { startDemo } from '../demo/run.ts'
import { demoWorkspaceSlug, startEarshot } from '../server.ts'
import { describeStore } from '../store/index.ts'

export async function serve(input: ConfigInput): Promise<void> {
  const config = loadConfig(input)
  const log = (line: string) => console.error(`[earshot] ${line}`)
  log(`starting: store ${describeStore(config.store)}, bus ${config.bus.kind === 'nats' ? `NATS JetStream ${config.bus.url}` : 'in-process'}`)
  const t0 = Date.now()
  const earshot = await startEarshot(config, { log, httpLogger: process.env.EARSHOT_HTTP_LOG === '1' })
  const address = await earshot.app.listen({ host: config.host, port: config.port })
  log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s — inbox at ${address}/  API docs at ${address}/docs`)
  if (earshot.generatedAdminToken !== null) {
    console.log(`\nAdmin API token (shown once; keep it): ${earshot.generatedAdminToken}`)
    console.log(`Open the inbox signed in: ${address}/#token=${earshot.generatedAdminToken}\n`)
  }
  let demo: ReturnType<typeof startDemo> | null = null
  if (config.demo) {
    const ws = await earshot.store.workspaces.bySlug(demoWorkspaceSlug)
    if (ws !== null) {
      demo = startDemo(earshot.store, earshot.bus, { workspaceId: ws.id, speed: config.demoSpeed, burst: 25, log })
      log(`demo traffic flowing into workspace "${ws.name}" (turn off with --no-demo)`)
    }
  }
  let closing = false
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    log(`${signal}: shutting down`)
    demo?.stop()
    earshot.close().then(() => process.exit(0), (error: unknown) => {
      log(`error while shutting down: ${String(error)}`)
      process.exit(1)
    })
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
}
