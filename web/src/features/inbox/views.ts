// Inbox views: mine, my queues, unassigned, all. Pure, so the tabs' counts and the list agree.
import type { Conversation } from '../../api/types.ts'

export type InboxView = 'mine' | 'queues' | 'unassigned' | 'all'

export interface Me {
  agentId: string | null
  /** The queues the agent serves; null: every queue. */
  queueIds: string[] | null
}

export const viewLabels: Record<InboxView, string> = { mine: 'Mine', queues: 'My queues', unassigned: 'Unassigned', all: 'All' }

/** Views that make sense for this person: someone who is not an agent has no "mine" or "my queues". */
export function viewsFor(me: Me): InboxView[] {
  return me.agentId === null ? ['unassigned', 'all'] : ['mine', 'queues', 'unassigned', 'all']
}

export function inView(view: InboxView, c: Conversation, me: Me): boolean {
  switch (view) {
    case 'all': return true
    case 'unassigned': return c.assignee === null
    case 'mine': return me.agentId !== null && c.assignee?.id === me.agentId
    case 'queues': return c.queue !== null && (me.queueIds === null || me.queueIds.includes(c.queue.id))
  }
}
