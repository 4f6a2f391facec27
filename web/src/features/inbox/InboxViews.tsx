// Inbox views beyond status and channel: mentions of me (all, or unseen only) and a tag; and the
// header's "Mentions" link with the unseen count, which also announces new mentions as they arrive.
import { useEffect, useState } from 'react'
import { useQuery } from '@tanstack/react-query'
import { api } from '../../api/endpoints.ts'
import type { InboxFilter, Note } from '../../api/types.ts'
import { useNotice } from '../../components/Notice.tsx'
import { Link } from '../../router.tsx'
import { useApi, useSession } from '../auth/session.tsx'
import { mentionEventName } from '../conversation/note-events.ts'
import '../conversation/workflow.css'

export type InboxView = 'all' | 'mentions' | 'unseen'

export const viewOfPath = (path: string): InboxView => (path === '/inbox/mentions' ? 'mentions' : 'all')

/** null: the plain inbox (kept live by the stream); otherwise a filtered list. */
export function inboxFilterOf(view: InboxView, tag: string): InboxFilter | null {
  const t = tag.trim()
  if (view === 'all' && t === '') return null
  return { ...(t === '' ? {} : { tag: t }), ...(view === 'all' ? {} : { mentions: 'me' as const }), ...(view === 'unseen' ? { unseen: true } : {}) }
}

export function useUnseenMentions() {
  const ctx = useApi()
  const { info } = useSession()
  return useQuery({
    queryKey: ['mentions-unseen', ctx.workspace],
    queryFn: () => api.unseenMentions(ctx),
    enabled: info?.agentId != null,
    staleTime: 10_000,
    refetchInterval: 60_000,
  })
}

export function InboxViewControls({ view, onView, tag, onTag }: { view: InboxView; onView: (v: InboxView) => void; tag: string; onTag: (t: string) => void }) {
  const { info } = useSession()
  const unseen = useUnseenMentions().data
  const [draft, setDraft] = useState(tag)
  useEffect(() => setDraft(tag), [tag])
  const apply = () => { if (draft.trim() !== tag) onTag(draft.trim()) }
  return (
    <>
      <label>View
        <select value={view} onChange={(e) => onView(e.target.value as InboxView)}>
          <option value="all">All conversations</option>
          <option value="mentions" disabled={info?.agentId == null}>Mentions of me</option>
          <option value="unseen" disabled={info?.agentId == null}>Unread mentions{unseen === undefined ? '' : ` (${unseen.conversations})`}</option>
        </select>
      </label>
      <label className="inbox-views">Tag
        <input className="tag-filter" value={draft} placeholder="any tag" onChange={(e) => setDraft(e.target.value)} onBlur={apply}
          onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); apply() } }} />
      </label>
    </>
  )
}

export function MentionsLink({ current }: { current: boolean }) {
  const { info } = useSession()
  const notice = useNotice()
  const unseen = useUnseenMentions().data
  useEffect(() => {
    const onMention = (e: Event) => {
      const note = (e as CustomEvent<{ note: Note }>).detail.note
      notice(`${note.author.name} mentioned you in a note.`)
    }
    window.addEventListener(mentionEventName, onMention)
    return () => window.removeEventListener(mentionEventName, onMention)
  }, [notice])
  if (info?.agentId == null) return null
  const n = unseen?.mentions ?? 0
  return (
    <Link to="/inbox/mentions" className="mentions-link" title="Mentions of me in internal notes" aria-current={current ? 'page' : undefined} aria-label={n > 0 ? `Mentions, ${n} unread` : 'Mentions'}>
      @me{n > 0 && <span className="mention-count">{n}</span>}
    </Link>
  )
}
