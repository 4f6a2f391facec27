import { describe, expect, it } from 'vitest'
import { createPassLoop } from './pass-loop.ts'

/** A pass that resolves when the test says so, handling `n` rows. */
function controlledPasses() {
  const pending: Array<(n: number) => void> = []
  let started = 0
  return {
    runOnce: () => { started++; return new Promise<number>((resolve) => pending.push(resolve)) },
    finishNext: (n: number) => pending.shift()!(n),
    get started() { return started },
    get waiting() { return pending.length },
  }
}
const flush = () => new Promise((r) => setImmediate(r))

describe('createPassLoop', () => {
  it('drain waits for a pass already under way, then runs until a pass handles nothing', async () => {
    const p = controlledPasses()
    const loop = createPassLoop({ runOnce: p.runOnce, pollMs: 60_000, stopping: new AbortController(), log: () => {}, name: 't' })
    loop.kick() // a pass under way (as from the timer) when drain starts
    expect(p.started).toBe(1)
    let drained: number | null = null
    void loop.drain().then((n) => { drained = n })
    await flush()
    expect(p.started).toBe(1) // drain did not queue a follow-up behind it
    p.finishNext(3)
    await flush()
    expect(p.started).toBe(2) // drain's own pass
    p.finishNext(0)
    await flush()
    expect(drained).toBe(3)
    expect(p.waiting).toBe(0)
  })

  it('a kick during a pass asks for one more pass after it, never two at once', async () => {
    const p = controlledPasses()
    const loop = createPassLoop({ runOnce: p.runOnce, pollMs: 60_000, stopping: new AbortController(), log: () => {}, name: 't' })
    loop.kick(); loop.kick(); loop.kick()
    expect(p.started).toBe(1)
    p.finishNext(1)
    await flush()
    expect(p.started).toBe(2)
    p.finishNext(0)
    await flush()
    expect(p.started).toBe(2)
  })

  it('a stopped loop starts no pass', async () => {
    const p = controlledPasses()
    const loop = createPassLoop({ runOnce: p.runOnce, pollMs: 60_000, stopping: new AbortController(), log: () => {}, name: 't' })
    await loop.stop()
    loop.kick()
    expect(await loop.drain()).toBe(0)
    expect(p.started).toBe(0)
  })
})
