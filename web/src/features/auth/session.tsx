// The signed-in session: the API token (localStorage, or `#token=…` in the URL) and the chosen workspace.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react'
import type { ApiContext } from '../../api/client.ts'

const tokenKey = 'earshot.token'
const workspaceKey = 'earshot.workspace'

/** Takes `#token=…` out of the URL (so it is not left in history or screenshots) and remembers it. */
export function readToken(): string | null {
  const m = /(?:^|[#&])token=([^&]+)/.exec(location.hash)
  if (m?.[1] !== undefined) {
    localStorage.setItem(tokenKey, decodeURIComponent(m[1]))
    history.replaceState(null, '', location.pathname + location.search)
  }
  return localStorage.getItem(tokenKey)
}

export interface Session {
  token: string | null
  workspace: string | null
  signIn: (token: string) => void
  signOut: () => void
  setWorkspace: (slug: string) => void
  api: ApiContext | null
}

const SessionContext = createContext<Session | null>(null)

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(() => readToken())
  const [workspace, setWorkspaceState] = useState<string | null>(() => localStorage.getItem(workspaceKey))
  const signOut = useCallback(() => { localStorage.removeItem(tokenKey); setToken(null) }, [])
  const signIn = useCallback((t: string) => { localStorage.setItem(tokenKey, t); setToken(t) }, [])
  const setWorkspace = useCallback((slug: string) => { localStorage.setItem(workspaceKey, slug); setWorkspaceState(slug) }, [])
  const api = useMemo<ApiContext | null>(() => (token === null ? null : { token, workspace, onUnauthorized: signOut }), [token, workspace, signOut])
  const value = useMemo(() => ({ token, workspace, signIn, signOut, setWorkspace, api }), [token, workspace, signIn, signOut, setWorkspace, api])
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
