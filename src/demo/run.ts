// Feeds the demo workspace with generated traffic at a gentle pace through the real front door
// (inbound log → bus nudge → pipeline), so a new user sees a living inbox.
import type { Bus } from '../bus/index.ts'
import { channelByName } from '../channels/index.ts'
import { splitUnits } from '../pipeline/framing.ts'
import { ingestLater } from '../pipeline/ingest.ts'
import type { Store } from '../store/index.ts'
import { demoTraffic } from './traffic.ts'

export interface DemoRun {
  stop(): void
  /** Events sent so far. */
  sent(): number
}

export interface DemoOptions {
  workspaceId: string
  /** 1 = real time; 10 = ten times faster. */
  speed: number
  /** Events sent at once on start so the inbox is not empty on first look. */
  burst: number
  seed?: number
  log?: (line: string) => void
}

export function startDemo(store: Store, bus: Bus, opts: DemoOptions): DemoRun {
  const traffic = demoTraffic({ seed: opts.seed ?? Date.now() % 2_147_483_647, start: new Date() })
  let stopped = false
  let sent = 0
  let timer: NodeJS.Timeout | null = null

  async function send(): Promise<number> {
    const next = traffic.next()
    if (next.done === true) return -1
    const event = next.value
    const channel = channelByName(event.channel)
    if (channel === undefined) return event.delayMs
    await ingestLater(store, bus, opts.workspaceId, channel.name, splitUnits(event.body, channel.framing))
    sent++
    return event.delayMs
  }

  async function loop(delayMs: number): Promise<void> {
    if (stopped) return
    timer = setTimeout(() => {
      send()
        .then((next) => (next >= 0 ? loop(next) : undefined))
        .catch((error: unknown) => {
          opts.log?.(`demo traffic paused after an error, retrying in 10 s: ${String(error)}`)
          void loop(10_000 * opts.speed)
        })
    }, delayMs / opts.speed)
    timer.unref()
  }

  void (async () => {
    try {
      let delay = 0
      for (let i = 0; i < opts.burst && !stopped; i++) delay = await send()
      await loop(Math.max(0, delay))
    } catch (error) {
      opts.log?.(`demo traffic stopped: ${String(error)}`)
    }
  })()

  return {
    stop() {
      stopped = true
      if (timer !== null) clearTimeout(timer)
    },
    sent: () => sent,
  }
}
