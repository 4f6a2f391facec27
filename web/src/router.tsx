// A tiny history router: the app has a handful of screens, so a routing library would cost more than it saves.
import { useSyncExternalStore, type ComponentPropsWithRef, type MouseEvent } from 'react'

const listeners = new Set<() => void>()
const notify = () => { for (const l of listeners) l() }
window.addEventListener('popstate', notify)

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  return () => { listeners.delete(listener) }
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, () => location.pathname)
}

export function navigate(path: string): void {
  if (path === location.pathname) return
  history.pushState(null, '', path)
  notify()
  window.scrollTo(0, 0)
}

export type Route =
  | { name: 'inbox' }
  | { name: 'conversation'; id: string }
  | { name: 'listening' }
  | { name: 'channels' }
  | { name: 'settings' }
  | { name: 'canned' }
  | { name: 'automations' }
  | { name: 'routing' }
  | { name: 'supervisor' }
  | { name: 'approvals' }
  | { name: 'not-found' }

export function matchRoute(path: string): Route {
  if (path === '/' || path === '/inbox' || path.startsWith('/inbox/')) return { name: 'inbox' }
  const conv = /^\/conversations\/([^/]+)\/?$/.exec(path)
  if (conv?.[1] !== undefined) return { name: 'conversation', id: decodeURIComponent(conv[1]) }
  if (path === '/settings' || path === '/settings/') return { name: 'settings' }
  const setting = /^\/settings\/(listening|channels|canned|automations|routing)\/?$/.exec(path)?.[1]
  if (setting === 'listening' || setting === 'channels' || setting === 'canned' || setting === 'automations' || setting === 'routing') return { name: setting }
  if (path === '/supervisor' || path === '/supervisor/') return { name: 'supervisor' }
  if (path === '/supervisor/approvals' || path === '/supervisor/approvals/') return { name: 'approvals' }
  return { name: 'not-found' }
}

export function Link({ to, onClick, ...rest }: Omit<ComponentPropsWithRef<'a'>, 'href'> & { to: string }) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e)
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    e.preventDefault()
    navigate(to)
  }
  return <a href={to} onClick={handle} {...rest} />
}
