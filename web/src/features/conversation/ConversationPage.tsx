// One conversation: the thread, triage corrections, priority override, status, assignment.
import { useEffect, useState, type FormEvent } from 'react'
import { isTyping } from '../../components/keys.ts'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { ApiError } from '../../api/client.ts'
import { api } from '../../api/endpoints.ts'
import { statuses, type Conversation, type Status } from '../../api/types.ts'
import { Chip, sentimentTone } from '../../components/Chip.tsx'
import { authorName, channelLabel, priorityLevel, useNow } from '../../components/format.ts'
import { useNotice } from '../../components/Notice.tsx'
import { Link, navigate } from '../../router.tsx'
import { useApi } from '../auth/session.tsx'
import { applyConversation } from '../inbox/live-stream.ts'
import { Composer } from './Composer.tsx'
import { MessageItem } from './MessageItem.tsx'
import { useViewers } from './presence.ts'
import { SlaTimer } from '../../components/SlaTimer.tsx'
import { markSeen } from '../inbox/unread.ts'
import { CustomerHistory } from './CustomerHistory.tsx'
import { MergedNotice, Split } from './MergeSplit.tsx'
import { Notes } from './Notes.tsx'
import { Tags } from './Tags.tsx'

const statusLabels: Record<Status, string> = { new: 'New', open: 'Open', pending: 'Pending', snoozed: 'Snoozed', resolved: 'Resolved' }

function useConversationMutation<A>(conversationId: string, run: (a: A) => Promise<Conversation>, done: string) {
  const ctx = useApi()
  const client = useQueryClient()
  const notice = useNotice()
  return useMutation({
    mutationFn: run,
    onSuccess: (c) => { applyConversation(client, ctx.workspace, c); notice(done) },
    onError: (e) => {
      // 409 CONFLICT: a stale version; other 409s (a refused status move, an agent at capacity) say why themselves.
      if (e instanceof ApiError && e.code === 'CONFLICT') notice('Changed by someone else, reloaded.', 'warn')
      else notice(`Failed: ${e.message}`, 'warn')
      void client.invalidateQueries({ queryKey: ['conversation', ctx.workspace, conversationId] })
      void client.invalidateQueries({ queryKey: ['inbox', ctx.workspace] })
    },
  })
}

function PriorityOverride({ c }: { c: Conversation }) {
  const ctx = useApi()
  const [value, setValue] = useState('')
  const set = useConversationMutation(c.id, (p: number | null) => api.overridePriority(ctx, c.id, p), 'Priority updated.')
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const n = Number(value)
    if (value.trim() !== '' && Number.isInteger(n) && n >= 0 && n <= 100) { set.mutate(n); setValue('') }
  }
  return (
    <form className="row-form" onSubmit={submit}>
      <label htmlFor="prio">Override priority (0–100)</label>
      <div className="inline">
        <input id="prio" type="number" inputMode="numeric" min={0} max={100} step={1} value={value} onChange={(e) => setValue(e.target.value)} placeholder={String(c.priority)} />
        <button type="submit" disabled={set.isPending || value.trim() === ''}>Set</button>
        <button type="button" disabled={set.isPending} onClick={() => set.mutate(null)}>Use computed</button>
      </div>
    </form>
  )
}

/** Colleagues who have this conversation open right now (from the live stream). */
function AlsoHere({ id }: { id: string }) {
  const viewers = useViewers(id)
  if (viewers.length === 0) return null
  return (
    <p className="viewers" role="status" aria-label="Also on this conversation">
      Also here: {viewers.map((v) => `${v.name}${v.state === 'typing' ? ' (typing…)' : ''}`).join(', ')}
    </p>
  )
}

function Assignment({ c }: { c: Conversation }) {
  const ctx = useApi()
  const agents = useQuery({ queryKey: ['agents', ctx.workspace], queryFn: () => api.agents(ctx), staleTime: 60_000 })
  const assign = useConversationMutation(c.id, (agentId: string | null) => api.assign(ctx, c.id, agentId, c.version), 'Assignment saved.')
  return (
    <div className="row-form">
      <label htmlFor="assignee">Assigned to</label>
      <select id="assignee" value={c.assignee?.id ?? ''} disabled={assign.isPending || agents.isPending} onChange={(e) => assign.mutate(e.target.value === '' ? null : e.target.value)}>
        <option value="">Unassigned</option>
        {c.assignee !== null && !(agents.data?.items ?? []).some((a) => a.id === c.assignee?.id) && <option value={c.assignee.id}>{c.assignee.name}</option>}
        {(agents.data?.items ?? []).map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
      </select>
      {agents.isSuccess && agents.data.items.length === 0 && <p className="hint">No agents in this workspace yet (POST /api/v1/agents).</p>}
    </div>
  )
}

export function ConversationPage({ id }: { id: string }) {
  const ctx = useApi()
  const nowMs = useNow()
  const conv = useQuery({ queryKey: ['conversation', ctx.workspace, id], queryFn: () => api.conversation(ctx, id) })
  const setStatus = useConversationMutation(id, (s: { status: Status; version: number }) => api.setStatus(ctx, id, s.status, s.version), 'Status changed.')
  const loaded = conv.data
  useEffect(() => { if (loaded !== undefined) markSeen(loaded.id, loaded.lastMessageAt) }, [loaded?.id, loaded?.lastMessageAt])
  // r: reply, e: resolve, a: assign, u: back to the inbox (as in the inbox: j/k, Enter, e).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.metaKey || e.ctrlKey || e.altKey || isTyping(e.target)) return
      if (e.key === 'r') { e.preventDefault(); document.getElementById('reply')?.focus() }
      else if (e.key === 'a') { e.preventDefault(); document.getElementById('assignee')?.focus() }
      else if (e.key === 'u') { e.preventDefault(); navigate('/') }
      else if (e.key === 'e' && loaded !== undefined && loaded.status !== 'resolved') { e.preventDefault(); setStatus.mutate({ status: 'resolved', version: loaded.version }) }
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [loaded, setStatus])

  if (conv.isPending) return <main className="page"><p className="muted">Loading…</p></main>
  if (conv.isError) {
    const gone = conv.error instanceof ApiError && conv.error.status === 404
    return <main className="page"><p role="alert" className="empty error-text">{gone ? 'This conversation does not exist in this workspace.' : `Could not load: ${conv.error.message}`}</p><Link to="/">Back to the inbox</Link></main>
  }
  const c = conv.data
  return (
    <main className="page conversation" aria-labelledby="conv-title">
      <Link to="/" className="back">← Inbox</Link>
      <MergedNotice c={c} />
      <div className="conv-layout">
        <section className="thread" aria-labelledby="conv-title">
          <header className="conv-head">
            <div className={`score ${priorityLevel(c.priority)}`} aria-label={`priority ${c.priority}`}>{c.priority}<small aria-hidden="true">priority</small></div>
            <div>
              <h1 id="conv-title">{authorName(c.contact)} <span className="muted">on {channelLabel(c.channel)}</span></h1>
              <div className="chips">
                <span className={`status status-${c.status}`}>{c.status}</span>
                {c.sentiment !== null && <Chip tone={sentimentTone(c.sentiment)}>{c.sentiment}</Chip>}
                {c.intent !== null && <Chip tone="info">{c.intent}</Chip>}
                {c.riskFlags.map((r) => <Chip key={r} tone="warn">⚠ {r}</Chip>)}
                {c.queue !== null && <Chip>queue: {c.queue.name}</Chip>}
                <SlaTimer sla={c.slaDue} nowMs={nowMs} />
              </div>
            </div>
          </header>
          <AlsoHere id={c.id} />
          <ul className="chips reasons" aria-label="Priority reasons">
            {c.priorityReasons.map((r) => <li key={r.code + r.label}><Chip tone={r.points < 0 ? 'minus' : 'neutral'}>{r.label} {r.points >= 0 ? '+' : ''}{r.points}</Chip></li>)}
          </ul>
          <ol className="messages" aria-label="Messages">
            {c.messages.map((m, i) => {
              // quote the parent only when it is not simply the message above
              const parent = m.parentExternalId === null ? undefined : c.messages.find((p) => p.externalId === m.parentExternalId)
              return <MessageItem key={m.id} m={m} nowMs={nowMs} fallbackAuthor={c.contact} parent={parent !== undefined && c.messages[i - 1]?.id !== parent.id ? parent : undefined} />
            })}
          </ol>
          <Composer c={c} />
          <Notes conversationId={c.id} />
        </section>
        <aside className="side card" aria-label="Actions">
          <fieldset className="status-buttons">
            <legend>Status</legend>
            {statuses.map((s) => (
              <button key={s} type="button" aria-pressed={c.status === s} className={c.status === s ? 'current' : ''}
                disabled={setStatus.isPending || c.status === s} onClick={() => setStatus.mutate({ status: s, version: c.version })}>
                {statusLabels[s]}
              </button>
            ))}
          </fieldset>
          <Assignment c={c} />
          <PriorityOverride c={c} />
          <Tags c={c} />
          <CustomerHistory c={c} />
          <Split c={c} />
          <p className="hint keys" aria-label="Keyboard shortcuts"><kbd>r</kbd> reply · <kbd>e</kbd> resolve · <kbd>a</kbd> assign · <kbd>u</kbd> inbox · <kbd>Ctrl</kbd>+<kbd>Enter</kbd> send</p>
        </aside>
      </div>
    </main>
  )
}
