import type { Ref } from 'react'
import type { Conversation } from '../../api/types.ts'
import { Chip, sentimentTone } from '../../components/Chip.tsx'
import { ago, authorName, channelLabel, compact, priorityLevel } from '../../components/format.ts'
import { Link } from '../../router.tsx'
import { SlaTimer } from '../../components/SlaTimer.tsx'

interface Props { conversation: Conversation; selected: boolean; fresh: boolean; unread?: boolean; nowMs: number; onFocus: () => void; linkRef: Ref<HTMLAnchorElement> }

export function ConversationRow({ conversation: c, selected, fresh, unread = false, nowMs, onFocus, linkRef }: Props) {
  const followers = c.contact?.followers
  return (
    <li className={`conv${selected ? ' selected' : ''}${fresh ? ' fresh' : ''}${unread ? ' unread' : ''}`} data-id={c.id} data-priority={c.priority}>
      <div className={`score ${priorityLevel(c.priority)}`} aria-label={`priority ${c.priority}`}>
        {c.priority}<small aria-hidden="true">priority</small>
      </div>
      <div className="conv-body">
        <div className="meta">
          {unread && <span className="unread-dot" role="img" aria-label="unread" />}
          <span className="chan">{channelLabel(c.channel)}</span>
          <span className="author">{authorName(c.contact)}</span>
          {followers != null && followers > 0 && <span className="muted">{compact(followers)} followers</span>}
          <span className={`status status-${c.status}`}>{c.status}</span>
          <span className="muted">{c.assignee === null ? 'unassigned' : `→ ${c.assignee.name}`}</span>
          <time className="muted" dateTime={c.lastMessageAt}>{ago(c.lastMessageAt, nowMs)}</time>
          <span className="muted">{c.messageCount} msg</span>
          <SlaTimer sla={c.slaDue} nowMs={nowMs} />
        </div>
        <Link to={`/conversations/${encodeURIComponent(c.id)}`} className="preview" ref={linkRef} onFocus={onFocus} aria-current={selected ? 'true' : undefined}>
          {c.preview || '(no text)'}
        </Link>
        <div className="chips" aria-label="Triage">
          {c.sentiment !== null && <Chip tone={sentimentTone(c.sentiment)}>{c.sentiment}</Chip>}
          {c.intent !== null && <Chip tone="info">{c.intent}</Chip>}
          {c.lang !== null && <Chip title="language">{c.lang}</Chip>}
          {c.riskFlags.map((r) => <Chip key={r} tone="warn" title="risk">⚠ {r}</Chip>)}
          {c.tags.map((t) => <Chip key={`tag:${t}`} title="tag">#{t}</Chip>)}
        </div>
        <ul className="chips reasons" aria-label="Priority reasons">
          {c.priorityReasons.map((r) => (
            <li key={r.code + r.label}><Chip tone={r.points < 0 ? 'minus' : 'neutral'}>{r.label} {r.points >= 0 ? '+' : ''}{r.points}</Chip></li>
          ))}
        </ul>
      </div>
    </li>
  )
}
