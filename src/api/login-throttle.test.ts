import { describe, expect, it } from 'vitest'
import { loginThrottle } from './login-throttle.ts'

describe('loginThrottle', () => {
  it('lets maxFailures through, then makes the pair wait until the oldest failure leaves the window', () => {
    const t = loginThrottle({ maxFailures: 3, windowMs: 1000 })
    for (const at of [0, 100, 200]) { expect(t.waitMs('a', at)).toBe(0); t.failed('a', at) }
    expect(t.waitMs('a', 300)).toBe(700)
    expect(t.waitMs('b', 300), 'other pairs are not affected').toBe(0)
    expect(t.waitMs('a', 1000)).toBe(0)
  })

  it('forgets a pair on success', () => {
    const t = loginThrottle({ maxFailures: 1, windowMs: 1000 })
    t.failed('a', 0)
    expect(t.waitMs('a', 1)).toBeGreaterThan(0)
    t.succeeded('a')
    expect(t.waitMs('a', 2)).toBe(0)
  })

  it('holds at most maxKeys pairs', () => {
    const t = loginThrottle({ maxFailures: 1, windowMs: 1000, maxKeys: 2 })
    t.failed('a', 0); t.failed('b', 0); t.failed('c', 0)
    expect(t.waitMs('a', 1)).toBe(0)
    expect(t.waitMs('c', 1)).toBeGreaterThan(0)
  })
})
