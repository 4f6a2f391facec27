// A small client for tests that talk to a running server over HTTP, as a user of the API would.
import type { TestServer } from './server.ts'

export interface ApiAnswer {
  status: number
  // Tests read arbitrary fields of answers; the schemas are checked by the server.
  json: any
  text: string
}

export type ApiCall = (method: string, path: string, opts?: { token?: string | null; body?: string | object; type?: string; headers?: Record<string, string> }) => Promise<ApiAnswer>

export function apiClient(server: Pick<TestServer, 'url' | 'adminToken'>): ApiCall {
  return async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers }
    const token = opts.token === undefined ? server.adminToken : opts.token
    if (token !== null) headers.authorization = `Bearer ${token}`
    let body: string | undefined
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body)
      headers['content-type'] = opts.type ?? (typeof opts.body === 'string' ? 'application/x-ndjson' : 'application/json')
    }
    const res = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) })
    const text = await res.text()
    let json: any = null
    try {
      json = JSON.parse(text)
    } catch {
      json = null
    }
    return { status: res.status, json, text }
  }
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
