// The customer's profile and their conversations on every channel, with status and date; from here an
// agent merges other conversations of the same customer into this one.
import { useState } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { ApiError } from '../../api/client.ts'
import { api } from '../../api/endpoints.ts'
import type { Conversation } from '../../api/types.ts'
import { ago, channelLabel, compact, useNow } from '../../components/format.ts'
import { useNotice } from '../../components/Notice.tsx'
import { Link } from '../../router.tsx'
import { useApi } from '../auth/session.tsx'
import { applyConversation } from '../inbox/live-stream.ts'
import './workflow.css'

export function CustomerHistory({ c }: { c: Conversation }) {
  const ctx = useApi()
  const client = useQueryClient()
  const notice = useNotice()
  const nowMs = useNow()
  const contactId = c.contact?.id ?? null
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set())
  const contact = useQuery({ queryKey: ['contact', ctx.workspace, contactId], queryFn: () => api.contact(ctx, contactId!), enabled: contactId !== null })
  const merge = useMutation({
    mutationFn: (from: string[]) => api.merge(ctx, c.id, from, c.version),
    onSuccess: (r) => {
      applyConversation(client, ctx.workspace, r.conversation)
      setChosen(new Set())
      for (const key of [['conversation', ctx.workspace, c.id], ['contact', ctx.workspace], ['notes', ctx.workspace, c.id], ['inbox', ctx.workspace], ['inbox-filtered', ctx.workspace]]) {
        void client.invalidateQueries({ queryKey: key })
      }
      notice(`Merged ${r.merged.length} conversation${r.merged.length === 1 ? '' : 's'} into this one.`)
    },
    onError: (e) => {
      notice(e instanceof ApiError && e.code === 'CONFLICT' ? 'This conversation changed meanwhile; reloaded, try again.' : `Could not merge: ${e.message}`, 'warn')
      void client.invalidateQueries({ queryKey: ['conversation', ctx.workspace, c.id] })
    },
  })
  if (contactId === null) return null
  const others = (contact.data?.conversations ?? []).filter((x) => x.id !== c.id)
  const toggle = (id: string) => setChosen((s) => { const n = new Set(s); if (n.has(id)) n.delete(id); else n.add(id); return n })
  return (
    <section className="history" aria-labelledby="history-title">
      <h2 id="history-title" className="side-title">Customer</h2>
      {contact.isError && <p role="alert" className="error-text">Could not load the customer: {contact.error.message}</p>}
      {contact.data !== undefined && (
        <>
          <p className="customer-name">{contact.data.displayName ?? 'unknown name'}{contact.data.vip && <span className="chip warn">VIP</span>}</p>
          <ul className="identities" aria-label="Identities">
            {contact.data.identities.map((i) => (
              <li key={`${i.channel}:${i.externalUserId}`}>{channelLabel(i.channel)}: {i.handle === null ? i.externalUserId : `@${i.handle}`}
                {i.followers !== null && <span className="muted"> · {compact(i.followers)} followers</span>}{i.verified && ' ✓'}</li>
            ))}
          </ul>
          <h3 className="side-subtitle">Other conversations</h3>
          {others.length === 0 ? <p className="hint">None on any channel.</p> : (
            <ul className="history-list" aria-label="Other conversations of this customer">
              {others.map((x) => (
                <li key={x.id}>
                  <label className="pick">
                    <input type="checkbox" checked={chosen.has(x.id)} onChange={() => toggle(x.id)} aria-label={`Choose for merging: ${x.preview || 'no text'}`} />
                    <span className={`status status-${x.status}`}>{x.status}</span>
                  </label>
                  <Link to={`/conversations/${encodeURIComponent(x.id)}`} className="history-link">
                    <span className="muted">{channelLabel(x.channel)} · {ago(x.lastMessageAt, nowMs)} · {x.messageCount} msg</span>
                    <span className="history-preview">{x.preview || '(no text)'}</span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
          {others.length > 0 && (
            <button type="button" disabled={chosen.size === 0 || merge.isPending} onClick={() => merge.mutate([...chosen])}>
              Merge {chosen.size === 0 ? 'selected' : chosen.size} into this conversation
            </button>
          )}
        </>
      )}
    </section>
  )
}
