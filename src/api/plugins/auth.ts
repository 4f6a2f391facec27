// Bearer-token authentication and workspace scoping for the /api/v1 context.
import { isUuid } from '../../core/ids.ts'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { EarshotError, raise } from '../../core/errors.ts'
import type { Store } from '../../store/index.ts'
import type { ApiToken } from '../../store/queries/tokens.ts'
import type { Workspace } from '../../store/queries/workspaces.ts'
import type { WebSession } from '../../store/queries/sessions.ts'
import cookie from '@fastify/cookie'
import { csrfMatches, keepAlive, sameOrigin, sessionOf } from '../web-session.ts'

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

declare module 'fastify' {
  interface FastifyRequest {
    token: ApiToken | null
    /** Set when the request was authenticated by the browser's session cookie rather than a bearer token. */
    webSession: WebSession | null
  }
}

export const defaultWorkspaceSlug = 'default'

/** The presented token: `Authorization: Bearer …`, or `?access_token=` for WebSocket clients (browsers cannot set headers there). */
export function presentedToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    return match?.[1] ?? null
  }
  const query = request.query as Record<string, unknown> | undefined
  const fromQuery = query?.access_token
  return typeof fromQuery === 'string' && fromQuery.length > 0 ? fromQuery : null
}

export const authPlugin = fp(async (app: FastifyInstance, opts: { store: Store; now?: () => Date }) => {
  const now = opts.now ?? (() => new Date())
  // Session cookies are read here; apps built without the cookie plugin (tests of one route) get it too.
  if (!app.hasRequestDecorator('cookies')) await app.register(cookie)
  app.decorateRequest('token', null)
  app.decorateRequest('webSession', null)
  app.addHook('onRequest', async (request) => {
    const presented = presentedToken(request)
    if (presented !== null) {
      if (presented.length > 512) throw new EarshotError('UNAUTHORIZED')
      const token = await opts.store.tokens.find(presented)
      if (token === null) throw new EarshotError('UNAUTHORIZED')
      request.token = token
      return
    }
    // No bearer token: the browser's session cookie, which (being ambient) needs CSRF and origin checks.
    const session = await sessionOf(opts.store, request, now())
    if (session === null) throw new EarshotError('UNAUTHORIZED', 'sign in, or send a bearer token')
    if (!safeMethods.has(request.method) && !csrfMatches(request, session)) throw new EarshotError('CSRF')
    if (request.headers.upgrade?.toLowerCase() === 'websocket' && !sameOrigin(request)) throw new EarshotError('FORBIDDEN', 'WebSocket from another origin')
    request.token = session.principal
    request.webSession = session
    await keepAlive(opts.store, session, now())
  })
})

/**
 * The workspace a request acts on: `?workspace=` (slug or id) or `X-Earshot-Workspace`, else the token's
 * own, else the default one. A workspace the token may not see answers 404, as if it did not exist.
 */
export async function resolveWorkspace(store: Store, request: FastifyRequest, explicit?: string): Promise<Workspace> {
  const token = request.token ?? raise('UNAUTHORIZED')
  const header = request.headers['x-earshot-workspace']
  const wanted = explicit ?? (typeof header === 'string' ? header : undefined)
  let ws: Workspace | null
  if (wanted !== undefined && wanted !== '') {
    ws = isUuid(wanted) ? await store.workspaces.byId(wanted) : await store.workspaces.bySlug(wanted)
  } else if (token.workspaceId !== null) {
    ws = await store.workspaces.byId(token.workspaceId)
  } else {
    ws = await store.workspaces.bySlug(defaultWorkspaceSlug)
  }
  if (ws === null || (token.workspaceId !== null && token.workspaceId !== ws.id)) throw new EarshotError('WORKSPACE_NOT_FOUND', wanted ?? '')
  return ws
}

/** Approving held replies, wallboards: supervisors and admins. */
export function requireSupervisor(request: FastifyRequest): void {
  const role = request.token?.role
  if (role !== 'admin' && role !== 'supervisor') throw new EarshotError('FORBIDDEN', 'supervisor or admin token required')
}

export function requireAdmin(request: FastifyRequest): void {
  if (request.token?.role !== 'admin') throw new EarshotError('FORBIDDEN', 'admin token required')
}
