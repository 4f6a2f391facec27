// Internal notes: never sent to the customer. @mentions autocomplete from the workspace's agents and
// show highlighted once the server resolved them; seeing the conversation marks my mentions seen.
import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../../api/endpoints.ts'
import type { Agent, Note } from '../../api/types.ts'
import { ago, useNow } from '../../components/format.ts'
import { useNotice } from '../../components/Notice.tsx'
import { useApi, useSession } from '../auth/session.tsx'
import { handleOf, matchAgents, splitMentions, typedMention } from './mention-text.ts'
import './workflow.css'

function NoteItem({ n, nowMs, me }: { n: Note; nowMs: number; me: string | null }) {
  const runs = splitMentions(n.text, n.mentions.map((m) => m.handle))
  return (
    <li className="note">
      <div className="note-head"><strong>{n.author.name}</strong> <span className="muted">· internal note · {ago(n.createdAt, nowMs)}</span></div>
      <p className="note-text">
        {runs.map((r, i) => {
          if (!r.mention) return <span key={i}>{r.text}</span>
          const who = n.mentions.find((m) => `@${m.handle}`.toLowerCase() === r.text.toLowerCase())
          return <mark key={i} className={`mention${who?.agentId === me ? ' me' : ''}`} title={who?.name}>{r.text}</mark>
        })}
      </p>
    </li>
  )
}

function NoteForm({ conversationId, agents }: { conversationId: string; agents: Agent[] }) {
  const ctx = useApi()
  const client = useQueryClient()
  const notice = useNotice()
  const [text, setText] = useState('')
  const [caret, setCaret] = useState(0)
  const [active, setActive] = useState(0)
  const area = useRef<HTMLTextAreaElement>(null)
  const typing = typedMention(text, caret)
  const suggestions = useMemo(() => (typing === null ? [] : matchAgents(agents, typing.query)), [agents, typing?.query, typing === null])
  const add = useMutation({
    mutationFn: (t: string) => api.addNote(ctx, conversationId, t),
    onSuccess: (note) => {
      setText('')
      client.setQueryData<{ items: Note[] }>(['notes', ctx.workspace, conversationId], (old) => ({ items: [...(old?.items ?? []).filter((n) => n.id !== note.id), note] }))
      const names = note.mentions.map((m) => m.name).join(', ')
      notice(note.unresolved.length > 0 ? `Note saved; nobody (or several people) called @${note.unresolved.join(', @')}.` : names === '' ? 'Note saved.' : `Note saved; ${names} notified.`, note.unresolved.length > 0 ? 'warn' : 'info')
    },
    onError: (e) => notice(`Could not save the note: ${e.message}`, 'warn'),
  })
  const pick = (agent: Agent) => {
    if (typing === null) return
    const handle = `@${handleOf(agent)} `
    const next = text.slice(0, typing.start) + handle + text.slice(caret)
    const at = typing.start + handle.length
    setText(next)
    setCaret(at)
    requestAnimationFrame(() => { area.current?.focus(); area.current?.setSelectionRange(at, at) })
  }
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (suggestions.length > 0) {
      if (e.key === 'ArrowDown') { e.preventDefault(); setActive((a) => (a + 1) % suggestions.length); return }
      if (e.key === 'ArrowUp') { e.preventDefault(); setActive((a) => (a - 1 + suggestions.length) % suggestions.length); return }
      if (e.key === 'Enter' || e.key === 'Tab') { e.preventDefault(); pick(suggestions[Math.min(active, suggestions.length - 1)]!); return }
      if (e.key === 'Escape') { e.preventDefault(); setCaret(0); return }
    }
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && text.trim() !== '') { e.preventDefault(); add.mutate(text) }
  }
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (text.trim() !== '') add.mutate(text)
  }
  return (
    <form className="note-form" onSubmit={submit}>
      <label htmlFor="note-text">Internal note <span className="muted">(only colleagues see it; @name notifies them)</span></label>
      <div className="mention-box">
        <textarea id="note-text" ref={area} rows={3} maxLength={5000} value={text} placeholder="Write a note… @ to mention a colleague"
          role="combobox" aria-expanded={suggestions.length > 0} aria-controls="mention-suggestions" aria-autocomplete="list"
          onChange={(e) => { setText(e.target.value); setCaret(e.target.selectionStart); setActive(0) }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)} onKeyDown={onKey} />
        {suggestions.length > 0 && (
          <ul id="mention-suggestions" role="listbox" className="mention-list" aria-label="Mention a colleague">
            {suggestions.map((a, i) => (
              <li key={a.id} role="option" aria-selected={i === active} className={i === active ? 'active' : ''}
                onMouseDown={(e) => { e.preventDefault(); pick(a) }}>
                {a.name} <span className="muted">@{handleOf(a)}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="inline"><button type="submit" disabled={add.isPending || text.trim() === ''}>Add note</button><span className="hint"><kbd>Ctrl</kbd>+<kbd>Enter</kbd></span></div>
    </form>
  )
}

export function Notes({ conversationId }: { conversationId: string }) {
  const ctx = useApi()
  const { info } = useSession()
  const client = useQueryClient()
  const nowMs = useNow()
  const me = info?.agentId ?? null
  const notes = useQuery({ queryKey: ['notes', ctx.workspace, conversationId], queryFn: () => api.notes(ctx, conversationId) })
  const agents = useQuery({ queryKey: ['agents', ctx.workspace], queryFn: () => api.agents(ctx), staleTime: 60_000 })
  const unseenHere = (notes.data?.items ?? []).some((n) => n.mentions.some((m) => m.agentId === me && m.seenAt === null))
  useEffect(() => {
    if (me === null || !unseenHere) return
    void api.markSeen(ctx, conversationId).then(() => {
      void client.invalidateQueries({ queryKey: ['mentions-unseen', ctx.workspace] })
      void client.invalidateQueries({ queryKey: ['inbox-filtered', ctx.workspace] })
    }, () => undefined)
  }, [me, unseenHere, ctx, conversationId, client])
  return (
    <section className="notes card" aria-labelledby="notes-title">
      <h2 id="notes-title" className="side-title">Internal notes</h2>
      {notes.isError && <p role="alert" className="error-text">Could not load notes: {notes.error.message}</p>}
      <ol className="note-list" aria-label="Internal notes">
        {(notes.data?.items ?? []).map((n) => <NoteItem key={n.id} n={n} nowMs={nowMs} me={me} />)}
      </ol>
      {notes.isSuccess && notes.data.items.length === 0 && <p className="hint">No notes yet.</p>}
      <NoteForm conversationId={conversationId} agents={agents.data?.items ?? []} />
    </section>
  )
}
