// The scheduling shared by the queue workers (replies in the outbox, event webhook deliveries): one
// pass at a time over due rows, on a timer and on demand. A kick during a pass asks for one more pass
// after it, never two at once; stop() aborts `stopping`, clears the timer and waits for the pass.
export interface PassLoop {
  start(): void
  kick(): void
  /** Runs passes until one handles nothing; returns how many rows were handled. */
  drain(): Promise<number>
  stop(): Promise<void>
}

export function createPassLoop(opts: {
  /** One pass; resolves to how many rows it handled. */
  runOnce: () => Promise<number>
  pollMs: number
  /** Aborted by stop(); a stopped loop starts no pass (the worker's I/O listens to it too). */
  stopping: AbortController
  log: (line: string) => void
  /** Prefix of logged errors. */
  name: string
}): PassLoop {
  const { runOnce, pollMs, stopping, log, name } = opts
  let timer: NodeJS.Timeout | null = null
  let running: Promise<number> | null = null
  let again = false
  const logged = (p: Promise<unknown>) => void p.catch((err: unknown) => log(`${name}: ${String(err)}`))

  function tick(): Promise<number> {
    if (stopping.signal.aborted) return Promise.resolve(0)
    if (running !== null) {
      again = true
      return running
    }
    running = runOnce().finally(() => {
      running = null
      if (again && !stopping.signal.aborted) {
        again = false
        logged(tick())
      }
    })
    return running
  }

  return {
    start() {
      if (timer !== null) return
      timer = setInterval(() => logged(tick()), pollMs)
      timer.unref()
    },
    kick() {
      logged(tick())
    },
    async drain() {
      let total = 0
      for (;;) {
        // A pass already under way (timer, kick) is awaited, not asked to run again: a tick during
        // it would set `again`, every pass would start the next one, and drain would never see the
        // loop idle (it spun on empty passes when the timer fired during a drain).
        if (running !== null) { total += await running.catch(() => 0); continue }
        const n = await tick()
        total += n
        if (n === 0 && running === null) return total
      }
    },
    async stop() {
      stopping.abort()
      if (timer !== null) clearInterval(timer)
      timer = null
      await running?.catch(() => undefined)
    },
  }
}
