import type { ChannelName, ParseResult, Visibility } from '../core/model.ts'

/** How a channel's wire format is cut into parseable units when it arrives as a file or a request body. */
export type WireFraming =
  /** one JSON value per line (Jetstream, X filtered stream); blank lines are keep-alives */
  | 'jsonl'
  /** one whole document (an RSS/Atom feed, a JSON response page, one RFC 5322 mail) */
  | 'document'

export interface RawEvent {
  /** The bytes of one unit as text (one JSONL line or one document). */
  body: string
  /** Where the unit came from, for error messages: file line number, request id … */
  origin?: string
}

// ---------------------------------------------------------------------------------------------
// Channel accounts: one configured connection (an X user, a Facebook Page, a mailbox …).

/** What a channel's verify/source/send see of one configured account. Secrets are decrypted, never logged. */
export interface AccountRuntime {
  id: string
  workspaceId: string
  channel: ChannelName
  name: string
  /**
   * Non-secret settings: `apiBaseUrl` (the platform's real URL by default; tests point it at the fake),
   * the brand's own ids and handles (page id, user id, handle, instance, mailbox …).
   */
  settings: Readonly<Record<string, string>>
  /** Tokens, app secrets, passwords. */
  secrets: Readonly<Record<string, string>>
}

/** The minimal logger the edges use (pino's shape). */
export interface ChannelLog {
  debug(obj: object, msg?: string): void
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

// ---------------------------------------------------------------------------------------------
// verify.ts: webhook handshakes and signatures. Pure (HMACs are deterministic): no I/O, never throws.

export interface WebhookRequest {
  method: string
  query: Readonly<Record<string, string | undefined>>
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>
  /** The body exactly as received: signatures are computed over these bytes. */
  rawBody: Buffer
}

export type WebhookVerdict =
  /** Genuine delivery: the body goes to the inbound log as one unit. */
  | { kind: 'accept' }
  /** A handshake answered here (X CRC, Meta hub.challenge); nothing is stored. */
  | { kind: 'respond'; status: number; contentType: string; body: string }
  /** Forged, unsigned or unknown: nothing is stored. */
  | { kind: 'reject'; status: 401 | 403; reason: string }

export type VerifyWebhook = (req: WebhookRequest, account: AccountRuntime) => WebhookVerdict

// ---------------------------------------------------------------------------------------------
// source.ts: how inbound traffic is fetched when the platform does not push it.

export interface SourceContext {
  account: AccountRuntime
  /** The cursor this source saved last (since_id, time_us, ETag …), null on the first run. */
  cursor: unknown
  /** Persists the cursor. Call after `emit` resolved, so a restart never skips what was not stored. */
  saveCursor(cursor: unknown): Promise<void>
  /** Hands raw units (in the channel's parse format) to the pipeline; resolves once committed. */
  emit(units: RawEvent[]): Promise<void>
  fetch: typeof fetch
  signal: AbortSignal
  log: ChannelLog
  now(): Date
  /** Waits, or rejects early when `signal` aborts. */
  sleep(ms: number): Promise<void>
}

export type Source =
  /** One pass: fetch everything new since the cursor (all pages), emit, save the cursor, return. */
  | { kind: 'poll'; intervalMs: number; poll(ctx: SourceContext): Promise<void> }
  /** Runs until `ctx.signal` aborts, reconnecting itself (with backoff) and resuming from the cursor. */
  | { kind: 'stream'; run(ctx: SourceContext): Promise<void> }

// ---------------------------------------------------------------------------------------------
// send.ts: answering where the customer spoke.

export type OutboundAction = 'reply' | 'dm' | 'hide' | 'delete' | 'like' | 'edit'

/** The customer's message being answered (or acted on), as stored. */
export interface OutboundTarget {
  externalId: string
  parentExternalId: string | null
  threadExternalId: string | null
  visibility: Visibility
  authorExternalId: string | null
  authorHandle: string | null
  /** The platform object as parsed (NormalizedMessage.raw): root/parent refs, cids, Message-IDs … */
  raw: unknown
  createdAt: Date
}

export interface OutboundRequest {
  action: OutboundAction
  /** Empty for hide/delete/like. */
  text: string
  /** Stable across retries of the same reply: use it as the platform's idempotency key where one exists. */
  idempotencyKey: string
  target: OutboundTarget
  /** For edit/delete of a message we sent before: its platform id. */
  ownExternalId: string | null
}

export interface SendContext {
  account: AccountRuntime
  fetch: typeof fetch
  signal: AbortSignal
  now(): Date
}

export type SendFailureCode =
  /** Token revoked or expired, app uninstalled: an admin must reconnect the account. */
  | 'AUTH_REVOKED'
  /** Messaging window closed (Messenger/Instagram 24 h): answer publicly or wait for the customer. */
  | 'WINDOW_CLOSED'
  /** The message being answered was deleted or hidden on the platform. */
  | 'PARENT_GONE'
  /** This channel cannot do this action (read-only feed, DM on a review …). */
  | 'NOT_SUPPORTED'
  /** The platform refused the content (too long, duplicate, policy). */
  | 'REJECTED'

export type SendResult =
  | { ok: true; externalId: string; url: string | null; raw: unknown }
  /** Timeouts, 429, 5xx: try again after `retryAfterMs` (from the platform's reset header) or with backoff. */
  | { ok: false; retryable: true; retryAfterMs: number | null; reason: string }
  | { ok: false; retryable: false; code: SendFailureCode; reason: string }

export interface Sender {
  actions: readonly OutboundAction[]
  send(req: OutboundRequest, ctx: SendContext): Promise<SendResult>
  /**
   * For platforms without idempotency keys: after an attempt whose outcome is unknown (timeout),
   * looks for the post already made, so a retry never posts twice. Null when not found.
   */
  findSent?(req: OutboundRequest, ctx: SendContext): Promise<{ externalId: string; url: string | null } | null>
}

// ---------------------------------------------------------------------------------------------

/** The contract every channel folder fulfils (see src/channels/README.md). */
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
  /** Webhook handshake and signature check, for channels the platform pushes to. */
  verify?: VerifyWebhook
  /** Polling or streaming intake, for channels Earshot fetches from. */
  source?: Source
  /**
   * The intakes to run for one account, when its settings choose (X: mentions polling, plus the filtered
   * stream with `stream: on`; Mastodon: streaming with polling catch-up). Default: `[source]`.
   */
  sourcesFor?(account: AccountRuntime): Source[]
  /** Outbound actions, for channels that can answer. */
  send?: Sender
  /**
   * The brand's own author ids on the platform for an account's settings (X user id, Bluesky DID, mailbox
   * address …): messages by them are the brand's own (direction 'out'), not a customer's.
   */
  brandAuthorIds?(settings: Readonly<Record<string, string>>): string[]
  /** Settings and secrets an account of this channel needs (shown by the API and the web app). */
  accountFields?: { settings: readonly string[]; secrets: readonly string[] }
  /** A cheap authenticated call ("who am I") that proves the credentials work. */
  testConnection?(ctx: SendContext): Promise<{ ok: true; detail: string } | { ok: false; detail: string }>
}
