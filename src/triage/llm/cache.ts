// A small LRU map (Map keeps insertion order: a hit moves the key to the end, the oldest is evicted).
export class Lru<V> {
  private readonly map = new Map<string, V>()
  constructor(private readonly sizeMax: number) {
    if (!(sizeMax >= 1)) throw new Error('Lru sizeMax must be at least 1')
  }

  get(key: string): V | undefined {
    const v = this.map.get(key)
    if (v === undefined) return undefined
    this.map.delete(key)
    this.map.set(key, v)
    return v
  }

  set(key: string, value: V): void {
    this.map.delete(key)
    this.map.set(key, value)
    if (this.map.size > this.sizeMax) this.map.delete(this.map.keys().next().value!)
  }

  get size(): number {
    return this.map.size
  }
}
