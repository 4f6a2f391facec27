// Temporary: a registry entry for a channel whose folder is being built. Parses nothing.
import type { ChannelName } from '../core/model.ts'
import type { Channel } from './types.ts'

export function placeholderChannel(name: ChannelName, label: string): Channel {
  return {
    name, label, framing: 'document', openListening: false, replyLengthMax: null,
    parse: () => ({ ok: false, reason: 'UNSUPPORTED_EVENT', detail: `${name} is not implemented yet` }),
  }
}
