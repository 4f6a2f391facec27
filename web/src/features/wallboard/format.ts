// Pure formatters for the wallboard.

/** 42 s, 7 min, 3 h 05 min, 2 d 4 h. */
export function formatWait(seconds: number | null): string {
  if (seconds === null) return '—'
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`
  return `${Math.floor(hours / 24)} d ${hours % 24} h`
}

/** The hour a bucket ends at, as the local clock shows it (14:00). */
export function hourLabel(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
}

export const oneDecimal = (n: number) => (Math.round(n * 10) / 10).toFixed(1)
