// The one catalogue of error codes clients rely on. Codes are stable; messages may improve.
export const errorCatalogue = {
  VALIDATION: { status: 400, message: 'Invalid request' },
  UNKNOWN_CHANNEL: { status: 400, message: 'Unknown channel' },
  INVALID_RULE: { status: 400, message: 'Invalid listening rule' },
  RULE_NOT_FOUND: { status: 404, message: 'Listening rule not found' },
  UNAUTHORIZED: { status: 401, message: 'Missing or invalid bearer token' },
  FORBIDDEN: { status: 403, message: 'Not allowed for this token' },
  CSRF: { status: 403, message: 'Missing or wrong X-CSRF-Token header for this session' },
  INVALID_LOGIN: { status: 401, message: 'Wrong e-mail or password' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  WORKSPACE_NOT_FOUND: { status: 404, message: 'Workspace not found' },
  CONVERSATION_NOT_FOUND: { status: 404, message: 'Conversation not found' },
  AGENT_NOT_FOUND: { status: 404, message: 'Agent not found' },
  ACCOUNT_NOT_FOUND: { status: 404, message: 'Channel account not found' },
  INVALID_ACCOUNT: { status: 400, message: 'Invalid channel account' },
  CANNOT_SEND: { status: 422, message: 'This conversation cannot be answered that way' },
  NO_CHANNEL_ACCOUNT: { status: 422, message: 'No channel account to answer through' },
  CONFLICT: { status: 409, message: 'Conflicting update' },
  REPLY_COLLISION: { status: 409, message: 'Someone else replied meanwhile' },
  AGENT_AT_CAPACITY: { status: 409, message: 'Agent at capacity' },
  QUEUE_NOT_FOUND: { status: 404, message: 'Queue not found' },
  QUEUE_NOT_EMPTY: { status: 409, message: 'Queue still holds open conversations' },
  INVALID_CONDITION: { status: 400, message: 'Invalid routing condition' },
  INVALID_SLA_POLICY: { status: 400, message: 'Invalid SLA policy' },
  INVALID_TEMPLATE: { status: 400, message: 'Invalid canned response template' },
  INVALID_AUTOMATION: { status: 400, message: 'Invalid automation rule' },
  SLA_POLICY_NOT_FOUND: { status: 404, message: 'SLA policy not found' },
  INVALID_TRANSITION: { status: 409, message: 'Status change not allowed' },
  CONVERSATION_MERGED: { status: 409, message: 'Conversation was merged into another one' },
  INVALID_TAG: { status: 400, message: 'Invalid tag' },
  NO_AGENT: { status: 400, message: 'This token or session acts as no agent' },
  SNOOZE_IN_PAST: { status: 400, message: 'Snooze time is not in the future' },
  EVENT_WEBHOOK_NOT_FOUND: { status: 404, message: 'Event webhook not found' },
  INVALID_WEBHOOK_URL: { status: 400, message: 'Webhook URL refused' },
  CSAT_SURVEY_NOT_FOUND: { status: 404, message: 'This survey link is not valid' },
  CSAT_SURVEY_EXPIRED: { status: 410, message: 'This survey has expired' },
  CSAT_ALREADY_ANSWERED: { status: 409, message: 'This survey was already answered' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'Request body too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported content type' },
  RATE_LIMITED: { status: 429, message: 'Too many requests' },
  INTERNAL: { status: 500, message: 'Internal error' },
  UNAVAILABLE: { status: 503, message: 'Service unavailable' },
  LLM_DISABLED: { status: 503, message: 'No LLM is configured (set EARSHOT_LLM_URL)' },
  LLM_FAILED: { status: 502, message: 'The LLM gave no usable draft' },
} as const satisfies Record<string, { status: number; message: string }>

export type ErrorCode = keyof typeof errorCatalogue

export class EarshotError extends Error {
  readonly code: ErrorCode
  readonly status: number

  /** Machine-readable specifics for clients (e.g. the position of a syntax error). */
  readonly details: Record<string, unknown> | undefined

  constructor(code: ErrorCode, detail?: string, details?: Record<string, unknown>) {
    const entry = errorCatalogue[code]
    super(detail === undefined ? entry.message : `${entry.message}: ${detail}`)
    this.name = 'EarshotError'
    this.code = code
    this.status = entry.status
    this.details = details
  }
}

export function raise(code: ErrorCode, detail?: string): never {
  throw new EarshotError(code, detail)
}
