import { useState } from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { api } from '../../api/endpoints.ts'
import { intents, sentiments, type Intent, type Message, type Sentiment } from '../../api/types.ts'
import { Chip } from '../../components/Chip.tsx'
import { ago, authorName, compact } from '../../components/format.ts'
import { useNotice } from '../../components/Notice.tsx'
import { useApi } from '../auth/session.tsx'
import { applyConversation } from '../inbox/live-stream.ts'
import { segmentText } from './mask.ts'

const isMasked = (m: Message) => m.visibility === 'public' && m.pii.length > 0

export function MessageText({ m, shown }: { m: Message; shown: boolean }) {
  if (!isMasked(m)) return <p className="msg-text">{m.text || '(no text)'}</p>
  return (
    <p className="msg-text">
        {segmentText(m.text, m.pii).map((s, i) =>
          s.pii === null ? <span key={i}>{s.text}</span>
            : shown ? <mark key={i} className="pii" title={s.pii}>{s.text}</mark>
            : <span key={i} className="pii masked" aria-label={`hidden ${s.pii}`}>[{s.pii}]</span>)}
    </p>
  )
}

function TriageCorrection({ m }: { m: Message }) {
  const ctx = useApi()
  const client = useQueryClient()
  const notice = useNotice()
  const correct = useMutation({
    mutationFn: (change: { sentiment?: Sentiment; intent?: Intent }) => api.correct(ctx, m.id, change),
    onSuccess: (r) => {
      applyConversation(client, ctx.workspace, r.conversation)
      void client.invalidateQueries({ queryKey: ['conversation', ctx.workspace, r.conversation.id] })
      notice('Correction saved; priority re-scored.')
    },
    onError: (e) => notice(`Could not save the correction: ${e.message}`, 'warn'),
  })
  return (
    <div className="triage" aria-label="Triage (select to correct)">
      <label className={`chip-select ${m.sentiment === 'negative' ? 'neg' : m.sentiment === 'positive' ? 'pos' : ''}`}>
        <span className="sr-only">Sentiment</span>
        <select value={m.sentiment ?? ''} disabled={correct.isPending} aria-label={`Sentiment of message from ${authorName(m.author)}`}
          onChange={(e) => correct.mutate({ sentiment: e.target.value as Sentiment })}>
          {m.sentiment === null && <option value="">sentiment?</option>}
          {sentiments.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
      </label>
      <label className="chip-select info">
        <span className="sr-only">Intent</span>
        <select value={m.intent ?? ''} disabled={correct.isPending} aria-label={`Intent of message from ${authorName(m.author)}`}
          onChange={(e) => correct.mutate({ intent: e.target.value as Intent })}>
          {m.intent === null && <option value="">intent?</option>}
          {intents.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
      </label>
      {m.lang !== null && <Chip title="language">{m.lang}</Chip>}
      {m.riskFlags.map((r) => <Chip key={r} tone="warn" title="risk">⚠ {r}</Chip>)}
    </div>
  )
}

type Author = { handle: string | null; displayName: string | null } | null

/** `fallbackAuthor`: the conversation's contact, for inbound messages the server sends without an author. */
/** The post this one answers, when it is in the conversation: quoted, as the platform would show it. */
function ParentQuote({ parent, fallbackAuthor }: { parent: Message; fallbackAuthor: Author }) {
  const who = parent.direction === 'out' && parent.author === null ? 'our reply' : authorName(parent.author ?? fallbackAuthor)
  const text = parent.deletedAt !== null ? '(deleted)' : parent.pii.length > 0 && parent.visibility === 'public' ? '(contains personal data)' : parent.text
  return (
    <blockquote className="parent-quote" cite={parent.url ?? undefined}>
      <span className="muted">replying to {who}: </span>{text.length > 140 ? `${text.slice(0, 140)}…` : text}
    </blockquote>
  )
}

export function MessageItem({ m, nowMs, fallbackAuthor, parent }: { m: Message; nowMs: number; fallbackAuthor: Author; parent?: Message | undefined }) {
  const [shown, setShown] = useState(false)
  const e = m.engagement
  // Bluesky authors arrive as a DID with no handle yet: fall back to the contact, then to the platform id
  const fallback = m.direction === 'in' ? fallbackAuthor : null
  const author = {
    handle: m.author?.handle ?? fallback?.handle ?? null,
    displayName: m.author?.displayName ?? fallback?.displayName ?? m.author?.externalUserId ?? null,
  }
  return (
    <li className={`msg ${m.direction} ${m.visibility}${m.deletedAt !== null ? ' deleted' : ''}`} data-message-id={m.id}>
      <div className="meta">
        <span className="author">{m.direction === 'out' && m.author === null ? 'Our reply' : authorName(author)}</span>
        {m.author?.verified === true && <Chip tone="info">verified</Chip>}
        {m.author?.followers != null && m.author.followers > 0 && <span className="muted">{compact(m.author.followers)} followers</span>}
        <span className={`vis ${m.visibility}`}>{m.visibility === 'public' ? 'Public' : 'Private'}</span>
        <time className="muted" dateTime={m.createdAt} title={new Date(m.createdAt).toLocaleString()}>{ago(m.createdAt, nowMs)}</time>
        {m.editedAt !== null && <span className="mark" title={`edited ${new Date(m.editedAt).toLocaleString()}`}>edited</span>}
        {m.deletedAt !== null && <span className="mark del" title={`deleted ${new Date(m.deletedAt).toLocaleString()}`}>deleted by author</span>}
      </div>
      {parent !== undefined && <ParentQuote parent={parent} fallbackAuthor={fallbackAuthor} />}
      <MessageText m={m} shown={shown} />
      {(m.media?.length ?? 0) > 0 && (
        <ul className="media-links" aria-label="Media">
          {m.media!.map((x) => (
            <li key={x.url}><a href={x.url} target="_blank" rel="noreferrer noopener nofollow">{x.kind}{x.alt !== null ? `: ${x.alt.length > 80 ? `${x.alt.slice(0, 80)}…` : x.alt}` : ''}</a></li>
          ))}
        </ul>
      )}
      <div className="msg-foot">
        {isMasked(m) && (
          <button type="button" className="link-button" aria-pressed={shown} onClick={() => setShown(!shown)}>
            {shown ? 'Hide personal data' : 'Show personal data'}
          </button>
        )}
        {e !== null && (
          <span className="muted engagement">
            {compact(e.likes)} likes · {compact(e.reposts)} reposts · {compact(e.replies)} replies · {compact(e.quotes)} quotes
          </span>
        )}
        {m.url !== null && <a href={m.url} target="_blank" rel="noreferrer noopener">Open on platform<span className="sr-only"> (new tab)</span> ↗</a>}
      </div>
      {m.direction === 'in' && <TriageCorrection m={m} />}
    </li>
  )
}
