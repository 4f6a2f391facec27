import { describe, expect, it } from 'vitest'
import type { AccountRuntime, SendContext } from '../types.ts'
import { appSecretProof, callGraph, graphUrl } from './graph.ts'

const account = (settings: Record<string, string>, secrets: Record<string, string> = { pageAccessToken: 'tok' }): AccountRuntime => ({
  id: 'a', workspaceId: 'w', channel: 'facebook', name: 'n', settings, secrets,
})

describe('graphUrl', () => {
  it('defaults to graph.facebook.com and v21.0, and honours apiBaseUrl and graphVersion', () => {
    expect(graphUrl(account({}), ['me'])).toBe('https://graph.facebook.com/v21.0/me')
    expect(graphUrl(account({ apiBaseUrl: 'http://127.0.0.1:9/', graphVersion: 'v19.0' }), ['1_2', 'comments'], { limit: '5' }))
      .toBe('http://127.0.0.1:9/v19.0/1_2/comments?limit=5')
    expect(graphUrl(account({ graphVersion: '21' }), ['me'])).toBe('https://graph.facebook.com/v21.0/me')
  })

  it('adds appsecret_proof when the app secret is known', () => {
    const url = new URL(graphUrl(account({}, { pageAccessToken: 'tok', appSecret: 'sec' }), ['me']))
    expect(url.searchParams.get('appsecret_proof')).toBe(appSecretProof('sec', 'tok'))
    expect(appSecretProof('sec', 'tok')).toMatch(/^[0-9a-f]{64}$/)
  })

  it('encodes each id so a stored id cannot add path components or a query', () => {
    expect(graphUrl(account({}), ['1/../../me?x=1', 'comments'])).toBe('https://graph.facebook.com/v21.0/1%2F..%2F..%2Fme%3Fx%3D1/comments')
    expect(() => graphUrl(account({}), ['..', 'comments'])).toThrow()
    expect(() => graphUrl(account({}), [''])).toThrow()
  })
})

describe('callGraph', () => {
  const ctx = (a: AccountRuntime): SendContext => ({
    account: a, signal: new AbortController().signal, now: () => new Date(),
    fetch: () => Promise.reject(new Error('must not be called')),
  })

  it('refuses without a token, a bad base URL or a bad id – without calling fetch', async () => {
    expect(await callGraph(ctx(account({}, {})), { method: 'GET', path: ['me'] })).toMatchObject({ ok: false, failure: { code: 'AUTH_REVOKED' } })
    expect(await callGraph(ctx(account({ apiBaseUrl: 'not a url' })), { method: 'GET', path: ['me'] })).toMatchObject({ ok: false, failure: { code: 'REJECTED' } })
    expect(await callGraph(ctx(account({})), { method: 'GET', path: ['.'] })).toMatchObject({ ok: false, failure: { code: 'REJECTED' } })
  })

  it('reads a non-JSON 2xx body as {}', async () => {
    const a = account({ apiBaseUrl: 'http://graph.test' })
    const answer = await callGraph({ ...ctx(a), fetch: () => Promise.resolve(new Response('OK', { status: 200 })) }, { method: 'POST', path: ['1'], body: { is_hidden: true } })
    expect(answer).toEqual({ ok: true, json: {} })
  })
})
