// A binary min-heap on a numeric time, for the discrete-event simulation.

export class EventQueue<T> {
  private readonly times: number[] = []
  private readonly items: T[] = []

  get size(): number {
    return this.items.length
  }

  peekTime(): number {
    return this.times.length === 0 ? Number.POSITIVE_INFINITY : this.times[0]!
  }

  push(time: number, item: T): void {
    this.times.push(time)
    this.items.push(item)
    let i = this.items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (this.times[parent]! <= time) break
      this.swap(i, parent)
      i = parent
    }
  }

  pop(): { time: number; item: T } | null {
    const n = this.items.length
    if (n === 0) return null
    const top = { time: this.times[0]!, item: this.items[0]! }
    const lastTime = this.times.pop()!
    const lastItem = this.items.pop()!
    if (n > 1) {
      this.times[0] = lastTime
      this.items[0] = lastItem
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < n - 1 && this.times[l]! < this.times[m]!) m = l
        if (r < n - 1 && this.times[r]! < this.times[m]!) m = r
        if (m === i) break
        this.swap(i, m)
        i = m
      }
    }
    return top
  }

  private swap(a: number, b: number): void {
    const t = this.times[a]!
    this.times[a] = this.times[b]!
    this.times[b] = t
    const x = this.items[a]!
    this.items[a] = this.items[b]!
    this.items[b] = x
  }
}
