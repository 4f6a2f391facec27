// When to try a failed send again: the platform's own reset time when it gave one, else
// exponential backoff with jitter (so many replies failing at once do not retry in step).

export interface BackoffPolicy {
  baseMs: number
  capMs: number
  /** Attempts in total (the first included) before a retryable failure becomes permanent. */
  attemptsMax: number
}

export const defaultBackoff: BackoffPolicy = { baseMs: 2_000, capMs: 10 * 60_000, attemptsMax: 8 }

/** `random` in [0, 1): injectable for tests. Never below 250 ms, never above the cap (unless the platform says so). */
export function retryDelayMs(attempt: number, retryAfterMs: number | null, policy: BackoffPolicy, random: () => number = Math.random): number {
  if (retryAfterMs !== null) return Math.max(250, retryAfterMs)
  const exponential = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1))
  const jitter = 0.8 + 0.4 * random()
  return Math.max(250, Math.min(policy.capMs, Math.round(exponential * jitter)))
}
