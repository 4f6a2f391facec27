// Shown when the server refused a reply because colleagues answered since this draft was started.
import type { ReplyCollision } from '../../api/types.ts'

export function CollisionWarning({ collision, onSend, onCancel }: { collision: ReplyCollision; onSend: () => void; onCancel: () => void }) {
  return (
    <div role="alert" className="collision">
      <strong>{collision.unseen.length === 1 ? 'A colleague answered meanwhile:' : `${collision.unseen.length} answers were sent meanwhile:`}</strong>
      <ul>{collision.unseen.map((u) => <li key={u.at + u.text}><span className="muted">{(u.by ?? 'someone').replace(/^token:/, '')}:</span> {u.text}</li>)}</ul>
      <div className="inline">
        <button type="button" className="primary" onClick={onSend}>Send mine anyway</button>
        <button type="button" onClick={onCancel}>Keep editing</button>
      </div>
    </div>
  )
}
