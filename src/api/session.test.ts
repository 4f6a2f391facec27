// Web sign-in: password and token sessions, the HttpOnly cookie, CSRF on writes, WebSocket origin,
// sign-out, roles read live, password changes ending other sessions, and the sign-in rate limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startTestServer, type TestServer } from '../testing/server.ts'

let server: TestServer
let url: string
let agentId: string
const email = 'Pia@Example.com'
const password = 'a long enough passphrase'

const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) } })

interface Signed { cookie: string; csrf: string; body: Record<string, unknown>; setCookie: string }

async function signIn(body: Record<string, unknown>): Promise<Signed> {
  const res = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  expect(res.status, await res.clone().text()).toBe(200)
  const setCookie = res.headers.get('set-cookie') ?? ''
  const json = await res.json() as Record<string, unknown>
  return { cookie: setCookie.split(';')[0]!, csrf: json.csrfToken as string, body: json, setCookie }
}

const withCookie = (s: Signed, path: string, init: RequestInit = {}, csrf: string | null = s.csrf) =>
  fetch(`${url}${path}`, { ...init, headers: { cookie: s.cookie, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...(csrf === null ? {} : { 'x-csrf-token': csrf }) } })

beforeAll(async () => {
  server = await startTestServer()
  url = server.url
  const created = await admin('/api/v1/agents?workspace=default', { method: 'POST', body: JSON.stringify({ name: 'Pia Agent', email }) })
  expect(created.status).toBe(201)
  agentId = (await created.json() as { id: string }).id
})
afterAll(async () => { await server.close() })

describe('web sign-in', () => {
  it('refuses a password that is too short, with the reason', async () => {
    const res = await admin(`/api/v1/agents/${agentId}/password?workspace=default`, { method: 'PUT', body: JSON.stringify({ password: 'short' }) })
    expect(res.status).toBe(400)
    expect((await res.json() as { error: { message: string } }).error.message).toMatch(/at least 10/)
  })

  it('signs an agent in with e-mail (any case) and password: HttpOnly SameSite cookie, CSRF token, agent principal', async () => {
    expect((await admin(`/api/v1/agents/${agentId}/password?workspace=default`, { method: 'PUT', body: JSON.stringify({ password }) })).status).toBe(204)
    const s = await signIn({ email: 'pia@example.COM', password })
    expect(s.setCookie).toMatch(/^earshot_session=[\w-]{40,};/)
    expect(s.setCookie).toMatch(/HttpOnly/i)
    expect(s.setCookie).toMatch(/SameSite=Lax/i)
    expect(s.body).toMatchObject({ via: 'password', name: 'Pia Agent', role: 'agent', agentId })
    expect(typeof s.csrf).toBe('string')

    const list = await withCookie(s, '/api/v1/conversations', {}, null)
    expect(list.status).toBe(200)
    const me = await withCookie(s, '/api/v1/session', {}, null)
    expect(await me.json()).toMatchObject({ csrfToken: s.csrf, agentId })
  })

  it('says "wrong e-mail or password" alike for a wrong password and an unknown e-mail', async () => {
    for (const body of [{ email, password: 'not the password' }, { email: 'nobody@example.com', password }]) {
      const res = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      expect(res.status).toBe(401)
      expect((await res.json() as { error: { code: string } }).error.code).toBe('INVALID_LOGIN')
    }
  })

  it('refuses cookie writes without the CSRF token, or with another one, and accepts the right one', async () => {
    const s = await signIn({ email, password })
    const validate = (csrf: string | null) => withCookie(s, '/api/v1/listening-rules/validate', { method: 'POST', body: JSON.stringify({ query: 'refund AND late' }) }, csrf)
    const missing = await validate(null)
    expect(missing.status).toBe(403)
    expect((await missing.json() as { error: { code: string } }).error.code).toBe('CSRF')
    expect((await validate('x'.repeat(s.csrf.length))).status).toBe(403)
    expect((await validate(s.csrf)).status).toBe(200)
    // a bearer token needs no CSRF token: it is not sent by the browser on its own
    expect((await admin('/api/v1/listening-rules/validate', { method: 'POST', body: JSON.stringify({ query: 'a' }) })).status).toBe(200)
  })

  it('reads the role live: an agent session is refused supervisor screens until made supervisor', async () => {
    const s = await signIn({ email, password })
    const createQueue = (name: string) => withCookie(s, '/api/v1/queues', { method: 'POST', body: JSON.stringify({ name }) })
    expect((await createQueue('Escalations')).status).toBe(403)
    expect((await admin(`/api/v1/agents/${agentId}/role?workspace=default`, { method: 'PUT', body: JSON.stringify({ role: 'supervisor' }) })).status).toBe(200)
    expect((await createQueue('Escalations')).status).toBe(201)
    await admin(`/api/v1/agents/${agentId}/role?workspace=default`, { method: 'PUT', body: JSON.stringify({ role: 'agent' }) })
  })

  it('exchanges an API token for a session (the start-up link) and refuses unknown tokens', async () => {
    const s = await signIn({ token: server.adminToken })
    expect(s.body).toMatchObject({ via: 'token', role: 'admin' })
    expect((await withCookie(s, '/api/v1/workspaces', {}, null)).status).toBe(200)
    const bad = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'es_nope' }) })
    expect(bad.status).toBe(401)
  })

  it('accepts the cookie on the live stream from its own origin only', async () => {
    const s = await signIn({ email, password })
    const open = (origin: string) => new Promise<string>((resolve) => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}/api/v1/stream`, { headers: { cookie: s.cookie, origin } })
      ws.on('message', (data) => { resolve(`message ${String(data).slice(0, 40)}`); ws.close() })
      ws.on('unexpected-response', (_req, res) => { resolve(`refused ${res.statusCode}`); ws.close() })
      ws.on('error', () => resolve('error'))
    })
    expect(await open(url)).toMatch(/^message .*hello/)
    expect(await open('http://evil.example')).toBe('refused 403')
  })

  it('lets agents change their own password only with the current one, and ends their other sessions', async () => {
    const s = await signIn({ email, password })
    const other = await signIn({ email, password })
    const change = (body: Record<string, unknown>) => withCookie(s, `/api/v1/agents/${agentId}/password`, { method: 'PUT', body: JSON.stringify(body) })
    expect((await change({ password: 'a brand new passphrase', currentPassword: 'wrong one here' })).status).toBe(401)
    expect((await change({ password: 'a brand new passphrase', currentPassword: password })).status).toBe(204)
    expect((await withCookie(other, '/api/v1/conversations', {}, null)).status).toBe(401)
    await signIn({ email, password: 'a brand new passphrase' })
    await admin(`/api/v1/agents/${agentId}/password?workspace=default`, { method: 'PUT', body: JSON.stringify({ password }) })
  })

  it('signs out only with the CSRF token, after which the cookie is dead', async () => {
    const s = await signIn({ email, password })
    expect((await withCookie(s, '/api/v1/session', { method: 'DELETE' }, null)).status).toBe(403)
    const out = await withCookie(s, '/api/v1/session', { method: 'DELETE' })
    expect(out.status).toBe(204)
    expect(out.headers.get('set-cookie')).toMatch(/earshot_session=;/)
    expect((await withCookie(s, '/api/v1/conversations', {}, null)).status).toBe(401)
  })

  it('slows down guessing: after 5 failed passwords for one e-mail, even the right one waits', async () => {
    let limited: Response | null = null
    for (let i = 0; i < 6 && limited === null; i++) {
      const res = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: `guess number ${i}` }) })
      if (res.status === 429) limited = res
      else expect(res.status).toBe(401)
    }
    expect(limited, 'a 429 by the 6th attempt').not.toBeNull()
    expect((await limited!.json() as { error: { code: string; message: string } }).error).toMatchObject({ code: 'RATE_LIMITED' })
    const right = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })
    expect(right.status).toBe(429)
  })
})
