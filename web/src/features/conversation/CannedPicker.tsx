// Canned responses suggested for a conversation: each rendered for it (names filled in), with why it
// fits; one that cannot be sent as is (too long for the channel, a value missing) says why instead.
import type { CannedSuggestion } from '../../api/types.ts'

export function CannedPicker({ items, onPick }: { items: CannedSuggestion[]; onPick: (text: string) => void }) {
  if (items.length === 0) return null
  return (
    <details className="canned">
      <summary>Canned responses ({items.length})</summary>
      <ul aria-label="Suggested canned responses">
        {items.map((s) => (
          <li key={s.canned.id}>
            <button type="button" className="ghost" disabled={s.text === null} onClick={() => s.text !== null && onPick(s.text)}
              title={s.reasons.join(' · ')}>{s.canned.title}</button>
            <span className="muted"> {s.reasons.join(' · ')}</span>
            {s.text !== null ? <p className="canned-text">{s.text}</p> : <p className="error-text">{s.problems.map((p) => p.detail).join('; ')}</p>}
          </li>
        ))}
      </ul>
    </details>
  )
}
