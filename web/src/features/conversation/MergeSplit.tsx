// Where a merged conversation went, and splitting chosen messages out into a new conversation.
import { useState } from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { ApiError } from '../../api/client.ts'
import { api } from '../../api/endpoints.ts'
import type { ConversationDetail } from '../../api/types.ts'
import { authorName } from '../../components/format.ts'
import { useNotice } from '../../components/Notice.tsx'
import { Link, navigate } from '../../router.tsx'
import { useApi } from '../auth/session.tsx'
import './workflow.css'

export function MergedNotice({ c }: { c: { mergedInto: string | null } }) {
  if (c.mergedInto === null) return null
  return (
    <p className="merged-notice" role="status">
      This conversation was merged; its messages and notes are now in <Link to={`/conversations/${encodeURIComponent(c.mergedInto)}`}>the conversation it joined</Link>.
    </p>
  )
}

export function Split({ c }: { c: ConversationDetail }) {
  const ctx = useApi()
  const client = useQueryClient()
  const notice = useNotice()
  const [open, setOpen] = useState(false)
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set())
  const split = useMutation({
    mutationFn: (ids: string[]) => api.split(ctx, c.id, ids, c.version),
    onSuccess: (r) => {
      void client.invalidateQueries({ queryKey: ['conversation', ctx.workspace, c.id] })
      void client.invalidateQueries({ queryKey: ['inbox', ctx.workspace] })
      void client.invalidateQueries({ queryKey: ['contact', ctx.workspace] })
      notice(`Split ${r.created.messageCount} message${r.created.messageCount === 1 ? '' : 's'} into a new conversation.`)
      navigate(`/conversations/${encodeURIComponent(r.created.id)}`)
    },
    onError: (e) => notice(e instanceof ApiError && e.code === 'CONFLICT' ? 'This conversation changed meanwhile; reloaded, try again.' : `Could not split: ${e.message}`, 'warn'),
  })
  if (c.mergedInto !== null || c.messages.length < 2) return null
  const toggle = (id: string) => setChosen((s) => { const n = new Set(s); if (n.has(id)) n.delete(id); else n.add(id); return n })
  const all = chosen.size >= c.messages.length
  return (
    <section className="split" aria-labelledby="split-title">
      <h2 id="split-title" className="side-title">
        <button type="button" className="linkish" aria-expanded={open} onClick={() => setOpen((o) => !o)}>{open ? '▾' : '▸'} Split messages out</button>
      </h2>
      {open && (
        <>
          <p className="hint">Choose messages to move into a new conversation (at least one stays). Replies to them follow.</p>
          <ul className="split-list" aria-label="Messages to split out">
            {c.messages.map((m) => (
              <li key={m.id}>
                <label>
                  <input type="checkbox" checked={chosen.has(m.id)} onChange={() => toggle(m.id)} />
                  <span className="muted">{authorName(m.author)}:</span> {(m.text || '(no text)').slice(0, 90)}
                </label>
              </li>
            ))}
          </ul>
          {all && <p className="hint error-text">Leave at least one message here.</p>}
          <button type="button" disabled={chosen.size === 0 || all || split.isPending} onClick={() => split.mutate([...chosen])}>
            Split {chosen.size === 0 ? '' : `${chosen.size} `}into a new conversation
          </button>
        </>
      )}
    </section>
  )
}
