// Browser sessions: an HttpOnly cookie holding a random secret (stored hashed), a CSRF token the page
// echoes in X-CSRF-Token on every write, idle expiry that slides with use and an absolute cap.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Store } from '../store/index.ts'
import type { WebSession } from '../store/queries/sessions.ts'

export const sessionCookie = 'earshot_session'
export const sessionIdleMs = 12 * 3600_000
export const sessionMaxMs = 7 * 86_400_000

export const newSecret = () => randomBytes(32).toString('base64url')

export async function sessionOf(store: Store, request: FastifyRequest, now: Date): Promise<WebSession | null> {
  const secret = request.cookies[sessionCookie]
  if (secret === undefined || secret.length < 20 || secret.length > 100) return null
  return store.sessions.find(secret, now, sessionMaxMs)
}

export function csrfMatches(request: FastifyRequest, session: WebSession): boolean {
  const sent = request.headers['x-csrf-token']
  if (typeof sent !== 'string') return false
  const a = Buffer.from(sent)
  const b = Buffer.from(session.csrfToken)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** A cookie-authenticated WebSocket must come from our own pages (cross-site WebSocket hijacking). */
export function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin
  if (origin === undefined) return true // not a browser
  try {
    return new URL(origin).host === request.headers.host
  } catch {
    return false
  }
}

/** Slides the idle expiry, but writes at most once per tenth of the idle window. */
export async function keepAlive(store: Store, session: WebSession, now: Date): Promise<void> {
  const wanted = now.getTime() + sessionIdleMs
  if (wanted - session.expiresAt.getTime() > sessionIdleMs / 10) await store.sessions.extend(session.id, new Date(wanted))
}

export async function openSession(store: Store, request: FastifyRequest, reply: FastifyReply, who: { tokenId: string } | { agentId: string }, now: Date): Promise<WebSession> {
  const secret = newSecret()
  await store.sessions.create({ secret, csrfToken: newSecret(), expiresAt: new Date(now.getTime() + sessionIdleMs), ...who })
  const session = await store.sessions.find(secret, now, sessionMaxMs)
  if (session === null) throw new Error('a session just created cannot be read back')
  // No Max-Age: the cookie ends with the browser; the server enforces idle and absolute expiry.
  reply.setCookie(sessionCookie, secret, { httpOnly: true, sameSite: 'lax', path: '/', secure: request.protocol === 'https' })
  return session
}

export function closeSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(sessionCookie, { httpOnly: true, sameSite: 'lax', path: '/', secure: request.protocol === 'https' })
}
