// What the Reddit source emits: Reddit's own response wrapped with what the parser cannot know
// from it (which listing it came from, the brand's username so its own comments read as 'out',
// and whether `raw_json=1` was used so bodies are not HTML-escaped). The parser reads these units
// and bare Reddit responses alike.

export interface RedditUnitContext {
  /** The API path the response came from, e.g. `/r/acme/new`. */
  listing: string
  /** The account's Reddit username: things it wrote are the brand's own (direction 'out'). */
  username: string | null
  /** True when the request had `raw_json=1` (bodies are not HTML-escaped). */
  rawJson: boolean
}

export interface RedditUnit {
  earshot: RedditUnitContext
  response: unknown
}

export function redditUnitBody(context: RedditUnitContext, response: unknown): string {
  const unit: RedditUnit = { earshot: context, response }
  return JSON.stringify(unit)
}
