// Decides what an incoming platform message does to what we already hold: the exactly-once effect
// of at-least-once delivery (replays, re-polls, engagement updates, edits, deletes).
import type { Engagement, NormalizedMessage } from '../model.ts'

export interface StoredMessageState {
  text: string
  engagement: Engagement | null
  deleted: boolean
}

export type Change = 'insert' | 'update' | 'duplicate' | 'delete' | 'ignore'

function sameEngagement(a: Engagement | null, b: Engagement | null): boolean {
  if (a === null || b === null) return a === b || b === null
  return a.likes === b.likes && a.reposts === b.reposts && a.replies === b.replies && a.quotes === b.quotes
}

export function decideChange(existing: StoredMessageState | null, incoming: NormalizedMessage): Change {
  if (incoming.op === 'delete') return existing === null || existing.deleted ? 'ignore' : 'delete'
  if (existing === null) return 'insert'
  if (existing.deleted) return 'duplicate' // a late replay never resurrects a deleted post
  if (existing.text === incoming.text && sameEngagement(existing.engagement, incoming.engagement)) return 'duplicate'
  return 'update'
}
