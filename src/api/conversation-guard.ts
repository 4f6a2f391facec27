// Writes on a conversation that was merged away are refused with where it went.
import { EarshotError, raise } from '../core/errors.ts'
import type { Store } from '../store/index.ts'
import type { ConversationView } from '../store/queries/conversations.ts'

export async function liveConversation(store: Pick<Store, 'conversations'>, workspaceId: string, id: string): Promise<ConversationView> {
  const conversation = (await store.conversations.get(workspaceId, id)) ?? raise('CONVERSATION_NOT_FOUND', id)
  refuseMerged(conversation)
  return conversation
}

export function refuseMerged(c: { id: string; mergedInto: string | null }): void {
  if (c.mergedInto !== null) throw new EarshotError('CONVERSATION_MERGED', `${c.id} was merged into ${c.mergedInto}`, { mergedInto: c.mergedInto })
}

/** Who acts, as the audit log writes it. */
export const actorOf = (token: { name: string } | null) => `token:${token?.name ?? 'unknown'}`
