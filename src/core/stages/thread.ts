// Which conversation a message belongs to: the platform's own conversation key when it gives one,
// else the conversation of the message it answers, else a new thread keyed by the message itself.
import type { NormalizedMessage } from '../model.ts'

export function threadKeyOf(msg: Pick<NormalizedMessage, 'threadExternalId' | 'externalId'>, parentThreadKey: string | null): string {
  return msg.threadExternalId ?? parentThreadKey ?? msg.externalId
}
