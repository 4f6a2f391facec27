// Pure helpers for benchmark figures: percentiles and small summaries. No I/O, no clocks.

/**
 * Nearest-rank percentile of an ascending-sorted list: the smallest value such that at least p % of
 * the values are ≤ it. p = 0 gives the minimum, p = 100 the maximum. Null for an empty list.
 */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`)
  const n = sorted.length
  if (n === 0) return null
  const rank = Math.max(1, Math.ceil((p / 100) * n))
  return sorted[Math.min(n, rank) - 1]!
}

/** Nearest-rank percentile of an unsorted list (NaN values are ignored). */
export function percentile(values: ArrayLike<number>, p: number): number | null {
  return percentileSorted(sortedFinite(values), p)
}

/** The finite values, ascending, as a new typed array. */
export function sortedFinite(values: ArrayLike<number>): Float64Array {
  let count = 0
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) count++
  const out = new Float64Array(count)
  let j = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (Number.isFinite(v)) out[j++] = v
  }
  return out.sort()
}

export interface Summary {
  count: number
  min: number | null
  p50: number | null
  p90: number | null
  p99: number | null
  max: number | null
  mean: number | null
}

export function summarize(values: ArrayLike<number>): Summary {
  const s = sortedFinite(values)
  let sum = 0
  for (const v of s) sum += v
  return {
    count: s.length,
    min: percentileSorted(s, 0),
    p50: percentileSorted(s, 50),
    p90: percentileSorted(s, 90),
    p99: percentileSorted(s, 99),
    max: percentileSorted(s, 100),
    mean: s.length === 0 ? null : sum / s.length,
  }
}

/** Rounds for display/JSON: keeps `digits` decimals, null stays null. */
export function round(value: number | null, digits = 1): number | null {
  if (value === null || !Number.isFinite(value)) return null
  const f = 10 ** digits
  return Math.round(value * f) / f
}

/** Per-second rate; 0 when no time elapsed. */
export function ratePerSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (count * 1000) / elapsedMs : 0
}
