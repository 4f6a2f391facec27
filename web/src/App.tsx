// The shell: sign-in gate, workspace choice, header (nav, live indicator), and the routed screen.
import { lazy, Suspense, useEffect } from 'react'
import { useQuery } from '@tanstack/react-query'
import { ApiError } from './api/client.ts'
import { api } from './api/endpoints.ts'
import { ConversationPage } from './features/conversation/ConversationPage.tsx'
import { InboxPage } from './features/inbox/InboxPage.tsx'
import { useLiveStream, type LiveState } from './features/inbox/live-stream.ts'
import { ListeningPage } from './features/listening/ListeningPage.tsx'
import { ApprovalsPage } from './features/approvals/ApprovalsPage.tsx'
import { ChannelsPage } from './features/channels/ChannelsPage.tsx'
import { SettingsIndex } from './features/settings/SettingsIndex.tsx'
import { CannedPage } from './features/settings/CannedPage.tsx'
import { AutomationsPage } from './features/settings/AutomationsPage.tsx'
import { RoutingPage } from './features/settings/RoutingPage.tsx'
import { SignIn } from './features/auth/SignIn.tsx'
import { pickWorkspace, WorkspaceSwitcher } from './features/auth/WorkspaceSwitcher.tsx'
import { useSession } from './features/auth/session.tsx'
import { PresenceToggle } from './features/auth/PresenceToggle.tsx'
import { Link, matchRoute, usePath } from './router.tsx'
import { MentionsLink } from './features/inbox/InboxViews.tsx'

// The wallboard brings its chart library (uPlot): loaded when a supervisor opens it, not with the inbox.
const WallboardPage = lazy(() => import('./features/wallboard/WallboardPage.tsx').then((m) => ({ default: m.WallboardPage })))

const settingsRoutes: ReadonlySet<string> = new Set(['settings', 'listening', 'channels', 'canned', 'automations', 'routing'])

const liveLabels: Record<LiveState, string> = { live: 'Live', connecting: 'Connecting…', offline: 'Offline, reconnecting…' }

function Screen({ workspace }: { workspace: string }) {
  const path = usePath()
  const route = matchRoute(path)
  const live = useLiveStream(workspace)
  const { signOut, info } = useSession()
  return (
    <>
      <a href="#content" className="skip">Skip to content</a>
      <header className="top">
        <Link to="/" className="brand">Earshot</Link>
        <nav aria-label="Main">
          <Link to="/" aria-current={route.name === 'inbox' && path !== '/inbox/mentions' ? 'page' : undefined}>Inbox</Link>
          <MentionsLink current={path === '/inbox/mentions'} />
          <Link to="/supervisor" aria-current={route.name === 'supervisor' ? 'page' : undefined}>Wallboard</Link>
          <Link to="/supervisor/approvals" aria-current={route.name === 'approvals' ? 'page' : undefined}>Approvals</Link>
          <Link to="/settings" aria-current={route.name === 'settings' ? 'page' : settingsRoutes.has(route.name) ? 'location' : undefined}>Settings</Link>
        </nav>
        <span className="grow" />
        <WorkspacesControl />
        <span className={`live ${live.state}`} role="status" aria-live="polite" data-live={live.state}>
          <span className="dot" aria-hidden="true" />{liveLabels[live.state]}
        </span>
        {info?.agentId != null && <PresenceToggle agentId={info.agentId} />}
        {info !== null && <span className="who" title={`${info.role}, signed in with ${info.via === 'password' ? 'a password' : 'an API token'}`}>{info.name}</span>}
        <button type="button" className="ghost" onClick={signOut}>Sign out</button>
      </header>
      <div id="content" tabIndex={-1}>
        {route.name === 'inbox' && <InboxPage fresh={live.fresh} />}
        {route.name === 'conversation' && <ConversationPage key={route.id} id={route.id} />}
        {route.name === 'listening' && <ListeningPage />}
        {route.name === 'channels' && <ChannelsPage />}
        {route.name === 'approvals' && <ApprovalsPage />}
        {route.name === 'settings' && <SettingsIndex />}
        {route.name === 'canned' && <CannedPage />}
        {route.name === 'automations' && <AutomationsPage />}
        {route.name === 'routing' && <RoutingPage />}
        {route.name === 'supervisor' && (
          <Suspense fallback={<main className="page"><p className="muted">Loading…</p></main>}>
            <WallboardPage workspace={workspace} />
          </Suspense>
        )}
        {route.name === 'not-found' && <main className="page"><p className="empty">No such page. <Link to="/">Go to the inbox</Link></p></main>}
      </div>
    </>
  )
}

function WorkspacesControl() {
  const { api: ctx } = useSession()
  const ws = useQuery({ queryKey: ['workspaces'], queryFn: () => api.workspaces(ctx!), enabled: ctx !== null, staleTime: 300_000 })
  return ws.data === undefined ? null : <WorkspaceSwitcher workspaces={ws.data.items} />
}

export function App() {
  const session = useSession()
  const { api: ctx, workspace, setWorkspace } = session
  const workspaces = useQuery({ queryKey: ['workspaces'], queryFn: () => api.workspaces(ctx!), enabled: ctx !== null, staleTime: 300_000, retry: 1 })

  const items = workspaces.data?.items
  useEffect(() => {
    if (items === undefined) return
    const chosen = pickWorkspace(items, workspace)
    if (chosen !== null && chosen !== workspace) setWorkspace(chosen)
  }, [items, workspace, setWorkspace])

  useEffect(() => { document.title = 'Earshot' }, [])

  if (session.state === 'loading') return <main className="page"><p className="muted">Loading…</p></main>
  if (session.state === 'signed-out') return <SignIn />
  if (workspaces.isError) {
    const e = workspaces.error
    return e instanceof ApiError && e.status === 401 ? <SignIn /> : <main className="page"><p role="alert" className="empty error-text">Could not reach the server: {e.message}</p></main>
  }
  if (items === undefined || workspace === null || !items.some((w) => w.slug === workspace)) {
    return <main className="page"><p className="muted">{items !== undefined && items.length === 0 ? 'This sign-in sees no workspace.' : 'Loading…'}</p></main>
  }
  return <Screen key={workspace} workspace={workspace} />
}
