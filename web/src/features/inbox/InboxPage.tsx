// The prioritised inbox: live, filterable, keyboard-driven (j/k move, Enter opens, e resolves).
import { useEffect, useMemo, useRef, useState } from 'react'
import { isTyping } from '../../components/keys.ts'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { ApiError } from '../../api/client.ts'
import { api, inboxStatuses } from '../../api/endpoints.ts'
import type { Conversation, Status } from '../../api/types.ts'
import { useNotice } from '../../components/Notice.tsx'
import { channelLabel, useNow } from '../../components/format.ts'
import { navigate, usePath } from '../../router.tsx'
import { useApi, useSession } from '../auth/session.tsx'
import { isUnread, useSeenVersion } from './unread.ts'
import { inView, viewLabels, viewsFor, type InboxView, type Me } from './views.ts'
import { ConversationRow } from './ConversationRow.tsx'
import { applyConversation } from './live-stream.ts'
import { InboxViewControls, inboxFilterOf, viewOfPath, type InboxView as MentionView } from './InboxViews.tsx'

const statusFilters: { value: string; label: string; statuses: Status[] }[] = [
  { value: 'active', label: 'Active', statuses: inboxStatuses },
  { value: 'new', label: 'New', statuses: ['new'] },
  { value: 'open', label: 'Open', statuses: ['open'] },
  { value: 'pending', label: 'Pending', statuses: ['pending'] },
  { value: 'snoozed', label: 'Snoozed', statuses: ['snoozed'] },
  { value: 'resolved', label: 'Resolved', statuses: ['resolved'] },
]

const viewKey = 'earshot.inbox.view'

export function byPriority(a: Conversation, b: Conversation): number {
  return b.priority - a.priority || Date.parse(b.lastMessageAt) - Date.parse(a.lastMessageAt) || (a.id < b.id ? -1 : 1)
}

export function InboxPage({ fresh }: { fresh: ReadonlySet<string> }) {
  const ctx = useApi()
  const client = useQueryClient()
  const notice = useNotice()
  const nowMs = useNow()
  const [statusFilter, setStatusFilter] = useState('active')
  const [channel, setChannel] = useState('')
  const { info } = useSession()
  const agentId = info?.agentId ?? null
  const agent = useQuery({ queryKey: ['agent', ctx.workspace, agentId], queryFn: () => api.agent(ctx, agentId!), enabled: agentId !== null, staleTime: 30_000 })
  const me: Me = { agentId, queueIds: agent.data?.queueIds ?? null }
  const views = viewsFor(me)
  const [chosen, setView] = useState<InboxView>(() => (localStorage.getItem(viewKey) as InboxView | null) ?? 'all')
  const view = views.includes(chosen) ? chosen : 'all'
  useEffect(() => { localStorage.setItem(viewKey, view) }, [view])
  useSeenVersion()
  const [selectedId, setSelectedId] = useState<string | null>(null)
  const rowRefs = useRef(new Map<string, HTMLAnchorElement>())
  const path = usePath()
  // mentions of me (all or unseen) and a tag narrow the list on the server; the views above split it here
  const [source, setSource] = useState<MentionView>(() => viewOfPath(path))
  useEffect(() => setSource(viewOfPath(path)), [path])
  const [tag, setTag] = useState('')

  const statuses = (statusFilters.find((f) => f.value === statusFilter) ?? statusFilters[0]!).statuses
  // the plain inbox is kept live by the stream; filtered views (mentions, a tag) refetch
  const filter = inboxFilterOf(source, tag)
  const inbox = useQuery({
    queryKey: filter === null ? ['inbox', ctx.workspace, statuses.join(',')] : ['inbox-filtered', ctx.workspace, statuses.join(','), source, filter.tag ?? ''],
    queryFn: () => (filter === null ? api.inbox(ctx, statuses) : api.filteredInbox(ctx, statuses, filter)),
    ...(filter === null ? {} : { refetchInterval: 15_000 }),
  })

  const all = inbox.data?.items ?? []
  const channels = useMemo(() => [...new Set(all.map((c) => c.channel))].sort(), [all])
  const inChannel = all.filter((c) => channel === '' || c.channel === channel)
  const counts = Object.fromEntries(views.map((v) => {
    const items = inChannel.filter((c) => inView(v, c, me))
    return [v, { total: items.length, unread: items.filter(isUnread).length }]
  })) as Record<InboxView, { total: number; unread: number }>
  const list = inChannel.filter((c) => inView(view, c, me)).sort(byPriority)

  const resolve = useMutation({
    mutationFn: (c: Conversation) => api.setStatus(ctx, c.id, 'resolved', c.version),
    onSuccess: (c) => { applyConversation(client, ctx.workspace, c); notice('Resolved.') },
    onError: (e) => {
      if (e instanceof ApiError && e.status === 409) notice('Changed by someone else, reloaded.', 'warn')
      else notice(`Could not resolve: ${e.message}`, 'warn')
      void client.invalidateQueries({ queryKey: ['inbox', ctx.workspace] })
    },
  })

  const listRef = useRef(list)
  listRef.current = list
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.metaKey || e.ctrlKey || e.altKey || isTyping(e.target)) return
      const items = listRef.current
      if (items.length === 0) return
      const index = items.findIndex((c) => c.id === selectedId)
      const move = (to: number) => {
        const next = items[Math.max(0, Math.min(items.length - 1, to))]
        if (next === undefined) return
        setSelectedId(next.id)
        rowRefs.current.get(next.id)?.focus()
      }
      if (e.key === 'j') { e.preventDefault(); move(index + 1) }
      else if (e.key === 'k') { e.preventDefault(); move(index < 0 ? 0 : index - 1) }
      else if (e.key === 'Enter' && index >= 0 && !(e.target instanceof HTMLAnchorElement)) { e.preventDefault(); navigate(`/conversations/${encodeURIComponent(items[index]!.id)}`) }
      else if (e.key === 'e' && index >= 0) {
        e.preventDefault()
        resolve.mutate(items[index]!)
        const after = items[index + 1] ?? items[index - 1]
        setSelectedId(after?.id ?? null)
        if (after !== undefined) rowRefs.current.get(after.id)?.focus()
      }
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [selectedId, resolve])

  return (
    <main className="page inbox" aria-labelledby="inbox-title">
      <div className="page-head">
        <h1 id="inbox-title">{source === 'all' ? 'Inbox' : source === 'unseen' ? 'Unread mentions' : 'Mentions of me'}</h1>
        <p className="muted summary" aria-live="polite">
          {inbox.isPending ? 'Loading…' : `${list.length} conversations, highest priority first`}
        </p>
      </div>
      <ul className="views" aria-label="Views">
        {views.map((v) => (
          <li key={v}>
            <button type="button" aria-pressed={view === v} onClick={() => setView(v)} data-view={v}>
              {viewLabels[v]}<span className="count">{counts[v].total}</span>
              {counts[v].unread > 0 && <span className="unread" aria-label={`${counts[v].unread} unread`}>{counts[v].unread}</span>}
            </button>
          </li>
        ))}
      </ul>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>Status
          <select value={statusFilter} onChange={(e) => setStatusFilter(e.target.value)}>
            {statusFilters.map((f) => <option key={f.value} value={f.value}>{f.label}</option>)}
          </select>
        </label>
        <label>Channel
          <select value={channel} onChange={(e) => setChannel(e.target.value)}>
            <option value="">All channels</option>
            {channels.map((c) => <option key={c} value={c}>{channelLabel(c)}</option>)}
          </select>
        </label>
        <InboxViewControls view={source} onView={setSource} tag={tag} onTag={setTag} />
        <p className="hint keys" aria-label="Keyboard shortcuts"><kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> open · <kbd>e</kbd> resolve</p>
      </form>
      {inbox.isError && <p role="alert" className="empty error-text">Could not load the inbox: {inbox.error.message}</p>}
      <ol className="conv-list" aria-label="Conversations by priority">
        {list.map((c) => (
          <ConversationRow
            key={c.id}
            conversation={c}
            selected={c.id === selectedId}
            fresh={fresh.has(c.id)}
            unread={isUnread(c)}
            nowMs={nowMs}
            onFocus={() => setSelectedId(c.id)}
            linkRef={(el) => { if (el === null) rowRefs.current.delete(c.id); else rowRefs.current.set(c.id, el) }}
          />
        ))}
      </ol>
      {inbox.isSuccess && list.length === 0 && <p className="empty">No conversations here. New ones appear as they arrive.</p>}
    </main>
  )
}
