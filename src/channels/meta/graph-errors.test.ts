import { describe, expect, it } from 'vitest'
import { failureFromGraph, readGraphError, retryAfterFromUsage } from './graph-errors.ts'

const now = new Date('2026-01-01T00:00:00Z')

function graphBody(code: number, message: string, subcode?: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ error: { message, type: 'OAuthException', code, ...(subcode === undefined ? {} : { error_subcode: subcode }), fbtrace_id: 'AbC', ...extra } })
}

describe('failureFromGraph', () => {
  it.each([
    [400, 190, undefined, 'Error validating access token: Session has expired', 'AUTH_REVOKED'],
    [400, 190, 460, 'The session has been invalidated because the user changed their password', 'AUTH_REVOKED'],
    [400, 104, undefined, 'An access token is required to request this resource.', 'AUTH_REVOKED'],
    [400, 10, 2018278, '(#10) This message is sent outside of allowed window.', 'WINDOW_CLOSED'],
    [403, 10, 2534022, 'This message is sent outside of allowed window.', 'WINDOW_CLOSED'],
    [400, 551, 1545041, "This person isn't available right now.", 'WINDOW_CLOSED'],
    [400, 100, 33, "Unsupported post request. Object with ID '1_2' does not exist", 'PARENT_GONE'],
    [400, 100, undefined, "Object with ID '1_2' does not exist, cannot be loaded due to missing permissions", 'PARENT_GONE'],
    [400, 100, undefined, '(#100) The parameter message is required', 'REJECTED'],
    [400, 368, 1390008, 'The action attempted has been deemed abusive or is otherwise disallowed', 'REJECTED'],
    [403, 10, undefined, '(#10) Application does not have permission for this action', 'REJECTED'],
  ])('HTTP %i, code %i/%s → %s', (status, code, subcode, message, expected) => {
    const failure = failureFromGraph(status, new Headers(), graphBody(code, message, subcode), now)
    expect(failure).toMatchObject({ retryable: false, code: expected })
    expect(failure.reason).toContain(`Graph error ${code}`)
    expect(failure.reason).toContain('fbtrace_id AbC')
  })

  it.each([4, 17, 32, 613, 80001])('code %i is a retryable rate limit', (code) => {
    expect(failureFromGraph(400, new Headers(), graphBody(code, 'limit reached'), now)).toMatchObject({ ok: false, retryable: true, retryAfterMs: null })
  })

  it('reads the wait from x-business-use-case-usage (minutes), the largest one', () => {
    const headers = new Headers({
      'x-app-usage': '{"call_count":100,"total_cputime":20,"total_time":20}',
      'x-business-use-case-usage': JSON.stringify({ '111': [{ type: 'pages', call_count: 100, estimated_time_to_regain_access: 2 }, { type: 'messenger', estimated_time_to_regain_access: 5 }] }),
    })
    expect(failureFromGraph(400, headers, graphBody(32, 'Page request limit reached'), now)).toMatchObject({ retryable: true, retryAfterMs: 300_000 })
  })

  it('falls back to Retry-After, and to null when the usage headers are garbage', () => {
    expect(retryAfterFromUsage(new Headers({ 'retry-after': '7' }), now)).toBe(7000)
    expect(retryAfterFromUsage(new Headers({ 'x-business-use-case-usage': '{not json' }), now)).toBeNull()
    expect(retryAfterFromUsage(new Headers({ 'x-business-use-case-usage': '{"1":[{"estimated_time_to_regain_access":0}]}' }), now)).toBeNull()
  })

  it('transient errors and 5xx are retryable', () => {
    expect(failureFromGraph(500, new Headers(), graphBody(1, 'An unknown error occurred'), now)).toMatchObject({ retryable: true })
    expect(failureFromGraph(400, new Headers(), graphBody(2, 'Service temporarily unavailable'), now)).toMatchObject({ retryable: true })
    expect(failureFromGraph(400, new Headers(), graphBody(12345, 'odd', undefined, { is_transient: true }), now)).toMatchObject({ retryable: true })
    expect(failureFromGraph(503, new Headers(), graphBody(12345, 'odd'), now)).toMatchObject({ retryable: true })
  })

  it('non-Graph bodies use the generic status mapping', () => {
    expect(failureFromGraph(502, new Headers(), '<html>bad gateway</html>', now)).toMatchObject({ retryable: true })
    expect(failureFromGraph(401, new Headers(), '', now)).toMatchObject({ retryable: false, code: 'AUTH_REVOKED' })
    expect(failureFromGraph(404, new Headers(), 'nope', now)).toMatchObject({ retryable: false, code: 'PARENT_GONE' })
  })

  it('readGraphError ignores what is not a Graph error', () => {
    expect(readGraphError('{"error":"rate limit exceeded"}')).toBeNull()
    expect(readGraphError('[]')).toBeNull()
    expect(readGraphError(graphBody(190, 'x', 463))).toEqual({ code: 190, subcode: 463, message: 'x', isTransient: false, fbtraceId: 'AbC' })
  })
})
