// The one HTTP helper: bearer token, workspace header, JSON bodies, {error:{code,message}} → ApiError.

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

export interface ApiContext { token: string; workspace: string | null; onUnauthorized: () => void }

const requestTimeoutMs = 15_000

function errorFrom(status: number, body: unknown, fallback: string): ApiError {
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

export async function request<T>(ctx: ApiContext, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${ctx.token}` }
  if (ctx.workspace !== null) headers['x-earshot-workspace'] = ctx.workspace
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(requestTimeoutMs),
  })
  if (res.status === 204) return undefined as T
  const text = await res.text()
  let parsed: unknown = null
  try { parsed = text === '' ? null : JSON.parse(text) } catch { parsed = null }
  if (!res.ok) {
    if (res.status === 401) ctx.onUnauthorized()
    throw errorFrom(res.status, parsed, `${res.status} ${res.statusText}`)
  }
  return parsed as T
}
