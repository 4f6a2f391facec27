// The reply box: public reply or private message where the channel allows, a character counter
// in the platform's own units, canned responses suggested for this conversation, a warning when a
// colleague is typing or answered meanwhile, and the send status of every reply.
import { useMemo, useState, type FormEvent, type KeyboardEvent } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../../api/endpoints.ts'
import { ApiError } from '../../api/client.ts'
import type { ConversationDetail, Reply, ReplyCollision, ReplyStatus } from '../../api/types.ts'
import { Chip, type ChipTone } from '../../components/Chip.tsx'
import { channelLabel } from '../../components/format.ts'
import { useNotice } from '../../components/Notice.tsx'
import { useApi } from '../auth/session.tsx'
import { CannedPicker } from './CannedPicker.tsx'
import { CollisionWarning } from './CollisionWarning.tsx'
import { useAnnouncePresence, useViewers } from './presence.ts'

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })
export function graphemeCount(text: string): number {
  let n = 0
  for (const _ of segmenter.segment(text)) n++
  return n
}

const statusText: Record<ReplyStatus, string> = {
  pending: 'queued', sending: 'sending…', sent: 'sent', failed: 'failed', held: 'waiting for approval', cancelled: 'rejected',
}
const statusTone: Record<ReplyStatus, ChipTone> = {
  pending: 'info', sending: 'info', sent: 'pos', failed: 'neg', held: 'warn', cancelled: 'neg',
}

function ReplyItem({ r }: { r: Reply }) {
  return (
    <li className="reply-item">
      <Chip tone={statusTone[r.status]}>{statusText[r.status]}</Chip>
      <span className="muted">{r.visibility === 'private' ? 'private' : 'public'}</span>
      <span className="reply-text">{r.text}</span>
      {r.status === 'failed' && <span role="alert" className="error-text">{r.failureCode}: {r.lastError}</span>}
      {r.status === 'pending' && r.attempts > 0 && r.lastError !== null && <span className="muted">retrying: {r.lastError}</span>}
    </li>
  )
}

export function Composer({ c }: { c: ConversationDetail }) {
  const ctx = useApi()
  const client = useQueryClient()
  const notice = useNotice()
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => api.channels(ctx), staleTime: 5 * 60_000 })
  const replies = useQuery({ queryKey: ['conversation', ctx.workspace, c.id, 'replies'], queryFn: () => api.replies(ctx, c.id) })
  const lastIn = [...c.messages].reverse().find((m) => m.direction === 'in')
  const privateThread = lastIn?.visibility === 'private'
  const [text, setText] = useState('')
  const [typingAt, setTypingAt] = useState(0)
  const [collision, setCollision] = useState<ReplyCollision | null>(null)
  // How many answers existed when this draft was started: one sent by a colleague after that is news.
  const [draftBase, setDraftBase] = useState<number | null>(null)
  useAnnouncePresence(c.id, typingAt)
  const typing = useViewers(c.id).filter((v) => v.state === 'typing')
  const features = useQuery({ queryKey: ['features'], queryFn: () => api.features(ctx), staleTime: 10 * 60_000 })
  const draft = useMutation({
    mutationFn: () => api.draft(ctx, c.id),
    onSuccess: (d) => { edit(d.text); notice(`Suggested by ${d.model}: check it before sending.`); document.getElementById('reply')?.focus() },
    onError: (e) => notice(`No suggestion: ${e.message}`, 'warn'),
  })
  const suggestions = useQuery({ queryKey: ['conversation', ctx.workspace, c.id, 'canned'], queryFn: () => api.cannedSuggestions(ctx, c.id), staleTime: 60_000 })
  const [visibility, setVisibility] = useState<'public' | 'private'>(privateThread ? 'private' : 'public')
  // One key per draft: a double click or a retried request cannot post twice.
  const [draftKey, setDraftKey] = useState(() => crypto.randomUUID())
  const info = channels.data?.items.find((ch) => ch.name === c.channel)
  const canSend = info !== undefined && info.send.length > 0
  const canDm = info?.send.includes('dm') ?? false
  const limit = visibility === 'public' ? info?.replyLengthMax ?? null : null
  const count = useMemo(() => graphemeCount(text), [text])
  const over = limit !== null && count > limit

  // Collision check: the server refuses (409) when more answers exist than this agent has seen.
  const seenReplies = (replies.data?.items ?? []).filter((r) => (r.action === 'reply' || r.action === 'dm') && r.status !== 'cancelled').length
  const send = useMutation({
    mutationFn: (expectReplies: number | undefined) => api.reply(ctx, c.id, { text, visibility, idempotencyKey: draftKey, ...(expectReplies === undefined ? {} : { expectReplies }) }),
    onSuccess: () => {
      setText('')
      setCollision(null)
      setDraftBase(null)
      setDraftKey(crypto.randomUUID())
      notice('Reply queued.')
      void client.invalidateQueries({ queryKey: ['conversation', ctx.workspace, c.id, 'replies'] })
    },
    onError: (e) => {
      if (e instanceof ApiError && e.code === 'REPLY_COLLISION' && e.details !== undefined) {
        setCollision(e.details as unknown as ReplyCollision)
        void client.invalidateQueries({ queryKey: ['conversation', ctx.workspace, c.id, 'replies'] })
        return
      }
      notice(`Not sent: ${e.message}`, 'warn')
    },
  })
  const submit = (e?: FormEvent) => {
    e?.preventDefault()
    // replies not loaded yet: nothing known to compare with, so no collision check rather than no send
    if (text.trim() !== '' && !over && !send.isPending) send.mutate(draftBase ?? (replies.isSuccess ? seenReplies : undefined))
  }
  const edit = (value: string) => {
    if (draftBase === null && value.trim() !== '' && replies.isSuccess) setDraftBase(seenReplies)
    if (value.trim() === '') setDraftBase(null)
    setText(value)
    setTypingAt(Date.now())
  }
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit()
  }

  if (channels.isSuccess && !canSend) {
    return (
      <div className="composer" aria-label="Reply">
        <p className="hint">{channelLabel(c.channel)} is read-only here: answer on the site itself.{' '}
          {lastIn?.url != null && <a href={lastIn.url} target="_blank" rel="noreferrer">Open in browser</a>}</p>
      </div>
    )
  }
  return (
    <form className="composer" aria-label="Reply" onSubmit={submit}>
      <div className="composer-head">
        <label htmlFor="reply">Reply on {channelLabel(c.channel)}</label>
        <fieldset className="visibility" aria-label="Visibility">
          <label><input type="radio" name="visibility" value="public" checked={visibility === 'public'} disabled={privateThread} onChange={() => setVisibility('public')} /> Public reply</label>
          <label><input type="radio" name="visibility" value="private" checked={visibility === 'private'} disabled={!privateThread && !canDm} onChange={() => setVisibility('private')} /> Private message</label>
        </fieldset>
      </div>
      {typing.length > 0 && <p className="typing" role="status">{typing.map((v) => v.name).join(', ')} {typing.length === 1 ? 'is' : 'are'} typing a reply…</p>}
      {features.data?.llmDrafts === true && (
        <button type="button" className="suggest" disabled={draft.isPending} onClick={() => draft.mutate()}>{draft.isPending ? 'Asking the model…' : 'Suggest a reply'}</button>
      )}
      <CannedPicker items={suggestions.data?.items ?? []} onPick={(t) => { edit(t); document.getElementById('reply')?.focus() }} />
      <textarea id="reply" rows={3} value={text} onChange={(e) => edit(e.target.value)} onKeyDown={onKey}
        aria-describedby="reply-count" placeholder={visibility === 'public' ? 'Everyone can see this answer…' : 'Only the customer sees this message…'} />
      <div className="composer-foot">
        <span id="reply-count" className={over ? 'error-text' : 'muted'} aria-live="polite">
          {limit === null ? `${count} characters` : `${count} / ${limit}`}
        </span>
        <button type="submit" disabled={text.trim() === '' || over || send.isPending || collision !== null}>{send.isPending ? 'Sending…' : visibility === 'public' ? 'Send publicly' : 'Send privately'}</button>
      </div>
      {collision !== null && <CollisionWarning collision={collision} onSend={() => send.mutate(collision.replies)} onCancel={() => setCollision(null)} />}
      {(replies.data?.items.length ?? 0) > 0 && (
        <ol className="replies" aria-label="Sent replies">
          {replies.data!.items.map((r) => <ReplyItem key={r.id} r={r} />)}
        </ol>
      )}
    </form>
  )
}
