// What to show for a failed settings call: a 403 says who may do it.
import { ApiError } from '../../api/client.ts'

export function settingsProblem(e: unknown): string {
  if (e instanceof ApiError && e.status === 403) return `Not allowed: ${e.message}. Ask a supervisor or an admin to change this.`
  return e instanceof Error ? e.message : String(e)
}

export function pathReason(e: unknown): { path: string; reason: string } | null {
  if (!(e instanceof ApiError)) return null
  const { path, reason } = e.details ?? {}
  return typeof path === 'string' && typeof reason === 'string' ? { path, reason } : null
}
