// Notes and mentions arriving on the live stream: refresh the notes of that conversation, and the
// mention counters and views of the signed-in agent when the event is a mention of them.
import type { QueryClient } from '@tanstack/react-query'
import type { Note } from '../../api/types.ts'

export const mentionEventName = 'earshot:mention'

export function onNoteEvent(client: QueryClient, workspace: string, event: { type: 'note.created' | 'mention.created'; conversationId: string; note: Note }): void {
  void client.invalidateQueries({ queryKey: ['notes', workspace, event.conversationId] })
  if (event.type !== 'mention.created') return
  void client.invalidateQueries({ queryKey: ['mentions-unseen', workspace] })
  void client.invalidateQueries({ queryKey: ['inbox-filtered', workspace] })
  window.dispatchEvent(new CustomEvent(mentionEventName, { detail: event }))
}
