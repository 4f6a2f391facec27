// Replies waiting for a supervisor: read the conversation, edit the reply if needed, approve or
// reject with a note. Nothing reaches the customer before this decision.
import { useState } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { ApiError } from '../../api/client.ts'
import { api } from '../../api/endpoints.ts'
import type { HeldReply } from '../../api/types.ts'
import { Chip } from '../../components/Chip.tsx'
import { channelLabel } from '../../components/format.ts'
import { useNotice } from '../../components/Notice.tsx'
import { Link } from '../../router.tsx'
import { useApi } from '../auth/session.tsx'

function HeldItem({ r }: { r: HeldReply }) {
  const ctx = useApi()
  const client = useQueryClient()
  const notice = useNotice()
  const [text, setText] = useState(r.text)
  const [note, setNote] = useState('')
  const decide = useMutation({
    mutationFn: (decision: 'approve' | 'reject') => api.decide(ctx, r.id, {
      decision, ...(decision === 'approve' && text.trim() !== r.text ? { text: text.trim() } : {}), ...(note.trim() === '' ? {} : { note: note.trim() }),
    }),
    onSuccess: (_d, decision) => {
      notice(decision === 'approve' ? 'Approved: the reply is on its way.' : 'Rejected: the agent sees your note.')
      void client.invalidateQueries({ queryKey: ['approvals', ctx.workspace] })
    },
    onError: (e) => {
      notice(e instanceof ApiError && e.status === 403 ? `Not allowed: ${e.message}` : `Failed: ${e.message}`, 'warn')
      void client.invalidateQueries({ queryKey: ['approvals', ctx.workspace] })
    },
  })
  const textId = `held-${r.id}`
  return (
    <li className="held card" data-reply-id={r.id}>
      <div className="held-head">
        <Link to={`/conversations/${encodeURIComponent(r.conversationId)}`}>Conversation on {channelLabel(r.channel)}</Link>
        <span className="muted">priority {r.conversationPriority} · {r.visibility} · asked by {r.requestedBy ?? 'unknown'}</span>
      </div>
      <blockquote className="held-quote">{r.conversationPreview}</blockquote>
      <ul className="chips" aria-label="Why it waits">{r.approvalReasons.map((reason) => <li key={reason}><Chip tone="warn">{reason}</Chip></li>)}</ul>
      <label htmlFor={textId}>Reply (edit before approving if needed)</label>
      <textarea id={textId} rows={3} value={text} onChange={(e) => setText(e.target.value)} />
      <label htmlFor={`${textId}-note`}>Note to the agent (optional)</label>
      <input id={`${textId}-note`} value={note} onChange={(e) => setNote(e.target.value)} />
      <div className="inline">
        <button type="button" disabled={decide.isPending || text.trim() === ''} onClick={() => decide.mutate('approve')}>{text.trim() === r.text ? 'Approve' : 'Approve edited'}</button>
        <button type="button" className="danger" disabled={decide.isPending} onClick={() => decide.mutate('reject')}>Reject</button>
      </div>
    </li>
  )
}

export function ApprovalsPage() {
  const ctx = useApi()
  const held = useQuery({ queryKey: ['approvals', ctx.workspace], queryFn: () => api.approvals(ctx), refetchInterval: 15_000 })
  return (
    <main className="page approvals" aria-labelledby="approvals-title">
      <h1 id="approvals-title">Approvals <span className="muted">replies waiting for a supervisor</span></h1>
      {held.isPending && <p className="muted">Loading…</p>}
      {held.isError && <p role="alert" className="error-text">Could not load: {held.error.message}</p>}
      {held.isSuccess && held.data.items.length === 0 && <p className="empty">Nothing waits for approval.</p>}
      {held.isSuccess && held.data.items.length > 0 && <ol className="held-list">{held.data.items.map((r) => <HeldItem key={r.id} r={r} />)}</ol>}
    </main>
  )
}
