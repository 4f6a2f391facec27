// Who is looking at a conversation, and who is typing in it: agents' browsers say so over the live
// stream; the server stamps who they are (never trusted from the client) and relays it to the
// workspace's other live views on a live bus subject (nothing stored). Browsers forget a viewer
// whose beat is older than presenceTtlMs, so a closed laptop does not look like a colleague forever.
import { isUuid } from '../core/ids.ts'

export const presenceStates = ['viewing', 'typing', 'left'] as const
export type PresenceState = (typeof presenceStates)[number]

/** Clients repeat their state at least this often while it holds. */
export const presenceBeatMs = 15_000
export const presenceTtlMs = 40_000
/** Larger client frames are not presence messages. */
const frameBytesMax = 512

export interface PresenceClaim {
  conversationId: string
  state: PresenceState
}

export interface PresenceEvent {
  type: 'presence'
  conversationId: string
  state: PresenceState
  who: { key: string; name: string; agentId: string | null }
  /** The socket it came from: a browser ignores its own echoes. */
  connection: string
  at: string
}

/** A client frame `{type:"presence", conversationId, state}`, or null for anything else. Never throws. */
export function parsePresenceFrame(frame: string | Buffer): PresenceClaim | null {
  const text = typeof frame === 'string' ? frame : frame.length > frameBytesMax ? '' : frame.toString('utf8')
  if (text.length === 0 || text.length > frameBytesMax) return null
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return null
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null
  const o = json as Record<string, unknown>
  if (o.type !== 'presence' || typeof o.conversationId !== 'string' || !isUuid(o.conversationId)) return null
  if (typeof o.state !== 'string' || !(presenceStates as readonly string[]).includes(o.state)) return null
  return { conversationId: o.conversationId.toLowerCase(), state: o.state as PresenceState }
}

/** At most `max` frames per `windowMs` per socket: a runaway client is not relayed to everybody. */
export function frameBudget(max = 10, windowMs = 5_000): (nowMs: number) => boolean {
  let windowStart = 0
  let used = 0
  return (nowMs) => {
    if (nowMs - windowStart >= windowMs) {
      windowStart = nowMs
      used = 0
    }
    used++
    return used <= max
  }
}
