// Signing in to the web app: an agent's e-mail and password (or an API token, for admins and the
// printed start-up link) become an HttpOnly session cookie plus a CSRF token; sign-out ends it.
// Credentials: supervisors set agents' passwords and roles; an agent may change their own.
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import rateLimit from '@fastify/rate-limit'
import { EarshotError, raise } from '../../core/errors.ts'
import { hashPassword, passwordLengthMax, passwordProblem, verifyPassword } from '../../core/passwords.ts'
import type { Store } from '../../store/index.ts'
import type { WebSession } from '../../store/queries/sessions.ts'
import type { ApiDeps } from '../context.ts'
import { ErrorBody } from '../errors.ts'
import { requireSupervisor, resolveWorkspace } from '../plugins/auth.ts'
import { IdParams } from '../schemas.ts'
import { loginThrottle } from '../login-throttle.ts'
import { closeSessionCookie, csrfMatches, openSession, sessionOf } from '../web-session.ts'

const SessionView = Type.Object({
  csrfToken: Type.String({ description: 'send it back as X-CSRF-Token on every POST/PUT/PATCH/DELETE' }),
  expiresAt: Type.String({ format: 'date-time' }),
  via: Type.Union([Type.Literal('password'), Type.Literal('token')]),
  name: Type.String(),
  role: Type.Union([Type.Literal('admin'), Type.Literal('supervisor'), Type.Literal('agent')]),
  workspaceId: Type.Union([Type.String(), Type.Null()]),
  agentId: Type.Union([Type.String(), Type.Null()]),
})
const SignIn = Type.Union([
  Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: passwordLengthMax }), workspace: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false }),
  Type.Object({ token: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false }),
])

const view = (s: WebSession) => ({
  csrfToken: s.csrfToken, expiresAt: s.expiresAt.toISOString(), via: s.via,
  name: s.principal.name, role: s.principal.role, workspaceId: s.principal.workspaceId, agentId: s.principal.agentId,
})

// Verifying against this when no agent has the e-mail keeps "unknown e-mail" as slow as "wrong password".
let decoyHash: Promise<string> | null = null
const decoy = () => (decoyHash ??= hashPassword('decoy password, never matches'))

async function agentFor(store: Store, body: { email: string; password: string; workspace?: string }): Promise<string> {
  const candidates = (await store.sessions.loginCandidates(body.email.trim()))
    .filter((c) => body.workspace === undefined || c.workspaceSlug === body.workspace || c.workspaceId === body.workspace)
  if (candidates.length === 0) {
    await verifyPassword(body.password, await decoy())
    throw new EarshotError('INVALID_LOGIN')
  }
  const matching = []
  for (const c of candidates) if (await verifyPassword(body.password, c.passwordHash)) matching.push(c)
  if (matching.length === 0) throw new EarshotError('INVALID_LOGIN')
  if (matching.length > 1) {
    throw new EarshotError('VALIDATION', 'this e-mail signs in to several workspaces: say which one', { workspaces: matching.map((c) => c.workspaceSlug) })
  }
  return matching[0]!.agentId
}

export const sessionRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, deps) => {
  const { store } = deps
  // Two brakes: failed passwords per (address, e-mail), and all attempts per address (hashing costs CPU).
  const throttle = loginThrottle({ maxFailures: 5, windowMs: 15 * 60_000 })
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => new EarshotError('RATE_LIMITED', `too many sign-in attempts; try again in ${Math.ceil(ctx.ttl / 1000)} s`),
  })

  app.post('/session', {
    config: { rateLimit: { max: 60, timeWindow: 60_000 } },
    schema: { tags: ['session'], summary: 'Sign in: sets the session cookie and returns the CSRF token', security: [], body: SignIn, response: { 200: SessionView, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody } },
  }, async (req, reply) => {
    const now = new Date()
    const body = req.body
    let session: WebSession
    if ('token' in body) {
      const token = await store.tokens.find(body.token)
      if (token === null) throw new EarshotError('UNAUTHORIZED', 'that token was refused')
      session = await openSession(store, req, reply, { tokenId: token.id }, now)
    } else {
      const key = `${req.ip}|${body.email.trim().toLowerCase()}`
      const waitMs = throttle.waitMs(key, now.getTime())
      if (waitMs > 0) throw new EarshotError('RATE_LIMITED', `too many failed sign-ins for this e-mail; try again in ${Math.ceil(waitMs / 60_000)} min`)
      let agentId: string
      try {
        agentId = await agentFor(store, body)
      } catch (error) {
        if (error instanceof EarshotError && error.code === 'INVALID_LOGIN') throttle.failed(key, now.getTime())
        throw error
      }
      throttle.succeeded(key)
      session = await openSession(store, req, reply, { agentId }, now)
      await store.audit.record({ workspaceId: session.principal.workspaceId!, actor: `agent:${session.principal.agentId}`, action: 'session.signed_in', targetType: 'agent', targetId: session.principal.agentId! })
    }
    return view(session)
  })

  app.get('/session', {
    schema: { tags: ['session'], summary: 'The current browser session (and its CSRF token)', security: [], response: { 200: SessionView, 401: ErrorBody } },
  }, async (req) => view((await sessionOf(store, req, new Date())) ?? raise('UNAUTHORIZED', 'not signed in')))

  app.delete('/session', {
    schema: { tags: ['session'], summary: 'Sign out', security: [], response: { 204: Type.Null(), 401: ErrorBody, 403: ErrorBody } },
  }, async (req, reply) => {
    const session = await sessionOf(store, req, new Date())
    if (session !== null) {
      if (!csrfMatches(req, session)) throw new EarshotError('CSRF')
      await store.sessions.delete(session.id)
    }
    closeSessionCookie(req, reply)
    return reply.status(204).send(null)
  })
}

const PasswordBody = Type.Object({
  password: Type.String({ maxLength: passwordLengthMax }),
  currentPassword: Type.Optional(Type.String({ maxLength: passwordLengthMax, description: 'needed when agents change their own password' })),
}, { additionalProperties: false })

function isSelf(req: FastifyRequest, agentId: string): boolean {
  return req.token?.agentId === agentId && req.token.role === 'agent'
}

export const credentialRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store }) => {
  app.put('/agents/:id/password', {
    schema: { tags: ['agents'], summary: "Set an agent's web sign-in password (supervisors; or the agent, with the current one)", params: IdParams, body: PasswordBody, response: { 204: Type.Null(), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody } },
  }, async (req, reply) => {
    const ws = await resolveWorkspace(store, req)
    const agent = await store.agents.get(ws.id, req.params.id) ?? raise('AGENT_NOT_FOUND', req.params.id)
    if (isSelf(req, agent.id)) {
      const current = (await store.sessions.credentials(agent.id))?.passwordHash ?? null
      if (current !== null && !(await verifyPassword(req.body.currentPassword ?? '', current))) throw new EarshotError('INVALID_LOGIN', 'the current password is wrong')
    } else requireSupervisor(req)
    const problem = passwordProblem(req.body.password)
    if (problem !== null) throw new EarshotError('VALIDATION', problem)
    await store.sessions.setPassword(agent.id, await hashPassword(req.body.password))
    await store.audit.record({ workspaceId: ws.id, actor: req.token!.name, action: 'agent.password_set', targetType: 'agent', targetId: agent.id })
    return reply.status(204).send(null)
  })

  app.put('/agents/:id/role', {
    schema: { tags: ['agents'], summary: "Set an agent's role in the web app (supervisors)", params: IdParams, body: Type.Object({ role: Type.Union([Type.Literal('agent'), Type.Literal('supervisor')]) }, { additionalProperties: false }), response: { 403: ErrorBody, 404: ErrorBody } },
  }, async (req) => {
    requireSupervisor(req)
    const ws = await resolveWorkspace(store, req)
    const agent = await store.agents.get(ws.id, req.params.id) ?? raise('AGENT_NOT_FOUND', req.params.id)
    await store.sessions.setRole(agent.id, req.body.role)
    await store.audit.record({ workspaceId: ws.id, actor: req.token!.name, action: 'agent.role_set', targetType: 'agent', targetId: agent.id, detail: { role: req.body.role } })
    return { id: agent.id, role: req.body.role }
  })
}
