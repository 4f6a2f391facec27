// The one HTTP helper: the session cookie (sent by the browser), the CSRF token on writes, the
// workspace header, JSON bodies, {error:{code,message}} → ApiError.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | undefined,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export interface ApiContext { csrfToken: string; workspace: string | null; onUnauthorized: () => void }

const requestTimeoutMs = 15_000

export function errorFrom(status: number, body: unknown, fallback: string): ApiError {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const e = (body as { error: unknown }).error
    if (typeof e === 'object' && e !== null) {
      const { code, message, details } = e as { code?: unknown; message?: unknown; details?: unknown }
      return new ApiError(
        status,
        typeof code === 'string' ? code : 'UNKNOWN',
        typeof message === 'string' ? message : fallback,
        typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : undefined,
      )
    }
  }
  return new ApiError(status, 'UNKNOWN', fallback, undefined)
}

/** fetch + JSON + ApiError, without a session (signing in and out use it too). */
export async function call<T>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<T> {
  const headers: Record<string, string> = { ...extraHeaders }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(requestTimeoutMs),
  })
  if (res.status === 204) return undefined as T
  const text = await res.text()
  let parsed: unknown = null
  try { parsed = text === '' ? null : JSON.parse(text) } catch { parsed = null }
  if (!res.ok) throw errorFrom(res.status, parsed, `${res.status} ${res.statusText}`)
  return parsed as T
}

export async function request<T>(ctx: ApiContext, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {}
  if (ctx.workspace !== null) headers['x-earshot-workspace'] = ctx.workspace
  if (method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = ctx.csrfToken
  try {
    return await call<T>(method, path, body, headers)
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) ctx.onUnauthorized()
    throw e
  }
}
