// Tags of a conversation as chips: × removes one, the field adds one (the server normalises and explains refusals).
import { useState, type FormEvent } from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { api } from '../../api/endpoints.ts'
import type { Conversation } from '../../api/types.ts'
import { useNotice } from '../../components/Notice.tsx'
import { useApi } from '../auth/session.tsx'
import { applyConversation } from '../inbox/live-stream.ts'
import './workflow.css'

export function Tags({ c }: { c: Conversation }) {
  const ctx = useApi()
  const client = useQueryClient()
  const notice = useNotice()
  const [draft, setDraft] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const change = useMutation({
    mutationFn: (op: { add: string } | { remove: string }) => ('add' in op ? api.addTag(ctx, c.id, op.add) : api.removeTag(ctx, c.id, op.remove)),
    onSuccess: (updated, op) => {
      applyConversation(client, ctx.workspace, updated)
      void client.invalidateQueries({ queryKey: ['inbox-filtered', ctx.workspace] })
      setProblem(null)
      if ('add' in op) setDraft('')
      notice('add' in op ? 'Tag added.' : 'Tag removed.')
    },
    onError: (e) => setProblem(e.message),
  })
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (draft.trim() !== '') change.mutate({ add: draft })
  }
  return (
    <section className="row-form tags-editor" aria-labelledby="tags-title">
      <h2 id="tags-title" className="side-title">Tags</h2>
      <ul className="chips" aria-label="Tags">
        {c.tags.length === 0 && <li className="hint">No tags yet.</li>}
        {c.tags.map((t) => (
          <li key={t} className="chip tag-chip">
            #{t}
            <button type="button" className="chip-x" aria-label={`Remove tag ${t}`} disabled={change.isPending} onClick={() => change.mutate({ remove: t })}>×</button>
          </li>
        ))}
      </ul>
      <form className="inline" onSubmit={submit}>
        <label htmlFor="new-tag" className="sr-only">New tag</label>
        <input id="new-tag" className="tag-input" value={draft} maxLength={60} placeholder="add a tag, e.g. refund" aria-invalid={problem !== null}
          aria-describedby={problem === null ? undefined : 'tag-problem'} onChange={(e) => { setDraft(e.target.value); setProblem(null) }} />
        <button type="submit" disabled={change.isPending || draft.trim() === ''}>Add</button>
      </form>
      {problem !== null && <p id="tag-problem" role="alert" className="error-text hint">{problem}</p>}
    </section>
  )
}
