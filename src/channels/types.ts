import type { ChannelName, ParseResult } from '../core/model.ts'

/** How a channel's wire format is cut into parseable units when it arrives as a file or a request body. */
export type WireFraming =
  /** one JSON value per line (Jetstream, X filtered stream); blank lines are keep-alives */
  | 'jsonl'
  /** one whole document (an RSS/Atom feed, a JSON response page) */
  | 'document'

export interface RawEvent {
  /** The bytes of one unit as text (one JSONL line or one document). */
  body: string
  /** Where the unit came from, for error messages: file line number, request id … */
  origin?: string
}

/**
 * The contract every channel folder fulfils. This slice has parse only; verify/source/send
 * join as each channel grows (see the channels issue).
 */
export interface Channel {
  name: ChannelName
  /** Human-readable name shown in the UI. */
  label: string
  /** Default framing of a body or file when its name/content type does not say (.jsonl/.ndjson → lines). */
  framing: WireFraming
  /** Pure and total: never throws, whatever the input. */
  parse(raw: RawEvent): ParseResult
  /**
   * True for open sources where anyone's public posts arrive (Jetstream, feeds): with listening rules
   * configured, a post that matches none and joins no known thread is dropped early and counted.
   * False where the platform already addressed the message to the brand (mentions, DMs, filtered streams).
   */
  openListening: boolean
  /** Max characters of a public reply, grapheme-counted where the platform does. Null when the channel cannot reply. */
  replyLengthMax: number | null
}
