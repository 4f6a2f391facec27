// Failed sign-ins per (address, e-mail) in a sliding window: after `maxFailures`, that pair waits.
// A success clears the pair. In memory: one server's view is enough to make guessing slow.
export interface LoginThrottle {
  /** Milliseconds to wait before trying again, or 0. */
  waitMs(key: string, nowMs: number): number
  failed(key: string, nowMs: number): void
  succeeded(key: string): void
}

export function loginThrottle(opts: { maxFailures: number; windowMs: number; maxKeys?: number }): LoginThrottle {
  const failures = new Map<string, number[]>()
  const maxKeys = opts.maxKeys ?? 10_000
  const recent = (key: string, nowMs: number) => (failures.get(key) ?? []).filter((t) => nowMs - t < opts.windowMs)
  return {
    waitMs(key, nowMs) {
      const times = recent(key, nowMs)
      return times.length < opts.maxFailures ? 0 : opts.windowMs - (nowMs - times[times.length - opts.maxFailures]!)
    },
    failed(key, nowMs) {
      if (!failures.has(key) && failures.size >= maxKeys) failures.delete(failures.keys().next().value!)
      failures.set(key, [...recent(key, nowMs), nowMs].slice(-opts.maxFailures))
    },
    succeeded(key) {
      failures.delete(key)
    },
  }
}
