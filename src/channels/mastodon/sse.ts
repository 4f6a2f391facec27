// Server-sent events (the WHATWG event-stream format Mastodon's streaming API speaks), decoded
// incrementally: `:thump` comments are heartbeats, a blank line ends an event, `data:` lines join
// with "\n". Pure: the stream reader and the parser of a saved SSE document both use it.

export interface SseEvent {
  /** `message` when the block has no `event:` field. */
  event: string
  data: string
}

/** A line longer than this is not one of Mastodon's events; it is dropped so memory stays bounded. */
export const sseLineCharsMax = 2_000_000

export class SseDecoder {
  private partial = ''
  private eventName = ''
  private dataLines: string[] = []
  private pendingCr = false
  /** Comment lines seen (heartbeats), for idle detection and tests. */
  comments = 0
  /** Lines dropped for being too long. */
  droppedLines = 0

  /** Feeds decoded text; returns the events completed by it. */
  push(chunk: string): SseEvent[] {
    const events: SseEvent[] = []
    let text = chunk
    // A CRLF split across chunks: the LF belongs to the CR already handled.
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1)
    this.pendingCr = false
    let start = 0
    for (let i = 0; i < text.length; i++) {
      const c = text[i]
      if (c !== '\n' && c !== '\r') continue
      this.line(this.partial + text.slice(start, i), events)
      this.partial = ''
      if (c === '\r') {
        if (i + 1 < text.length) {
          if (text[i + 1] === '\n') i++
        } else this.pendingCr = true
      }
      start = i + 1
    }
    this.partial += text.slice(start)
    if (this.partial.length > sseLineCharsMax) {
      this.partial = ''
      this.droppedLines++
      this.reset()
    }
    return events
  }

  /** End of input: a last event without its closing blank line is still delivered. */
  end(): SseEvent[] {
    const events: SseEvent[] = []
    if (this.partial !== '') this.line(this.partial, events)
    this.partial = ''
    this.dispatch(events)
    return events
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === '') return this.dispatch(events)
    if (line.startsWith(':')) {
      this.comments++
      return
    }
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') this.eventName = value
    else if (field === 'data') this.dataLines.push(value)
    // `id` and `retry` do not matter here: resuming is done by polling since the cursor.
  }

  private dispatch(events: SseEvent[]): void {
    if (this.dataLines.length > 0 || this.eventName !== '') {
      events.push({ event: this.eventName === '' ? 'message' : this.eventName, data: this.dataLines.join('\n') })
    }
    this.reset()
  }

  private reset(): void {
    this.eventName = ''
    this.dataLines = []
  }
}

export function parseSseText(text: string): SseEvent[] {
  const decoder = new SseDecoder()
  return [...decoder.push(text), ...decoder.end()]
}

/** Serialises one event (what the fake writes and what a saved unit looks like). */
export function sseBlock(event: string, data: string): string {
  return `event: ${event}\n${data.split(/\r\n|\r|\n/).map((line) => `data: ${line}`).join('\n')}\n\n`
}
