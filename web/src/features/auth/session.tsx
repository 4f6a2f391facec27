// The signed-in session: an HttpOnly cookie the page never sees, plus the CSRF token and who we are
// (GET /api/v1/session). A `#token=…` link (printed at start-up) is exchanged for a cookie at once.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { useQueryClient } from '@tanstack/react-query'
import { ApiError, call, type ApiContext } from '../../api/client.ts'
import type { SessionInfo } from '../../api/types.ts'

const workspaceKey = 'earshot.workspace'
const legacyTokenKey = 'earshot.token'

/** Takes `#token=…` out of the URL (so it is not left in history or screenshots). */
export function takeLinkToken(): string | null {
  const m = /(?:^|[#&])token=([^&]+)/.exec(location.hash)
  if (m?.[1] === undefined) return null
  history.replaceState(null, '', location.pathname + location.search)
  return decodeURIComponent(m[1])
}

export type SignInForm = { email: string; password: string; workspace?: string } | { token: string }

export interface Session {
  state: 'loading' | 'signed-out' | 'signed-in'
  info: SessionInfo | null
  /** Why the last sign-in failed, for the form. */
  problem: string | null
  workspace: string | null
  signIn: (form: SignInForm) => Promise<void>
  signOut: () => void
  setWorkspace: (slug: string) => void
  api: ApiContext | null
}

const SessionContext = createContext<Session | null>(null)

function problemOf(e: unknown): string {
  if (e instanceof ApiError) return e.code === 'UNAUTHORIZED' ? 'That token was refused.' : e.message
  return `Could not reach the server: ${(e as Error).message}`
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<Session['state']>('loading')
  const [info, setInfo] = useState<SessionInfo | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [workspace, setWorkspaceState] = useState<string | null>(() => localStorage.getItem(workspaceKey))
  const queries = useQueryClient()

  const signIn = useCallback(async (form: SignInForm) => {
    try {
      setInfo(await call<SessionInfo>('POST', '/api/v1/session', form))
      setProblem(null)
      setState('signed-in')
    } catch (e) {
      setProblem(problemOf(e))
      setState('signed-out')
    }
  }, [])

  // Once per page load (StrictMode runs effects twice in development): a second run would find the
  // link token gone, ask GET /session before the exchange set the cookie, and sign the page out.
  const resolved = useRef(false)
  useEffect(() => {
    if (resolved.current) return
    resolved.current = true
    // earlier versions kept the API token in localStorage: exchange it once, then forget it
    const legacy = localStorage.getItem(legacyTokenKey)
    localStorage.removeItem(legacyTokenKey)
    const linkToken = takeLinkToken() ?? legacy
    if (linkToken !== null) { void signIn({ token: linkToken }); return }
    call<SessionInfo>('GET', '/api/v1/session')
      .then((s) => { setInfo(s); setState('signed-in') })
      .catch(() => setState((now) => (now === 'loading' ? 'signed-out' : now)))
  }, [signIn])

  const signOut = useCallback(() => {
    const csrf = info?.csrfToken
    setInfo(null)
    setState('signed-out')
    queries.clear() // the next person to sign in on this browser must not see these
    if (csrf !== undefined) void call('DELETE', '/api/v1/session', undefined, { 'x-csrf-token': csrf }).catch(() => undefined)
  }, [info, queries])
  const expired = useCallback(() => { setInfo(null); setProblem('Your session ended: please sign in again.'); setState('signed-out') }, [])
  const setWorkspace = useCallback((slug: string) => { localStorage.setItem(workspaceKey, slug); setWorkspaceState(slug) }, [])
  const api = useMemo<ApiContext | null>(() => (info === null ? null : { csrfToken: info.csrfToken, workspace, onUnauthorized: expired }), [info, workspace, expired])
  const value = useMemo(() => ({ state, info, problem, workspace, signIn, signOut, setWorkspace, api }), [state, info, problem, workspace, signIn, signOut, setWorkspace, api])
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
}

export function useSession(): Session {
  const s = useContext(SessionContext)
  if (s === null) throw new Error('useSession outside SessionProvider')
  return s
}

/** The API context of a signed-in screen with a workspace chosen (the shell renders screens only then). */
export function useApi(): ApiContext & { workspace: string } {
  const { api } = useSession()
  if (api === null || api.workspace === null) throw new Error('useApi before sign-in and workspace choice')
  return api as ApiContext & { workspace: string }
}
