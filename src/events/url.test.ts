import { describe, expect, it } from 'vitest'
import { checkResolvedHost, checkWebhookUrl } from './url.ts'

describe('checkWebhookUrl', () => {
  it.each([
    ['ftp://example.com/hook', 'only http and https'],
    ['file:///etc/passwd', 'only http and https'],
    ['javascript:alert(1)', 'only http and https'],
    ['gopher://127.0.0.1:25/', 'only http and https'],
    ['http://user:pw@example.com/hook', 'credentials'],
    ['/relative/hook', 'not an absolute URL'],
    ['https://example.com/hook#frag', 'fragment'],
    [`https://example.com/${'a'.repeat(3000)}`, 'longer than'],
  ])('refuses %s', (url, reason) => {
    const r = checkWebhookUrl(url, { allowPrivateNetwork: true })
    expect(r.ok).toBe(false)
    expect(r.ok ? '' : r.reason).toContain(reason)
  })

  it('accepts http(s) URLs and refuses private addresses only when asked', () => {
    expect(checkWebhookUrl('https://hooks.example.com/earshot?x=1', { allowPrivateNetwork: false }).ok).toBe(true)
    for (const url of ['http://127.0.0.1:8080/', 'http://localhost/', 'http://10.1.2.3/', 'http://192.168.0.1/', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/', 'http://[fd00::1]/', 'http://[::ffff:127.0.0.1]/']) {
      expect(checkWebhookUrl(url, { allowPrivateNetwork: true }).ok).toBe(true)
      expect(checkWebhookUrl(url, { allowPrivateNetwork: false }).ok, url).toBe(false)
    }
    expect(checkWebhookUrl('http://172.32.0.1/', { allowPrivateNetwork: false }).ok).toBe(true)
  })
})

describe('checkResolvedHost', () => {
  const resolver = (table: Record<string, string[] | Error>) => async (host: string) => {
    const r = table[host]
    if (r === undefined) throw new Error(`ENOTFOUND ${host}`)
    if (r instanceof Error) throw r
    return r
  }
  const lookup = resolver({ 'hooks.example.com': ['93.184.216.34', '2606:2800:220:1::1'], 'sneaky.example.com': ['93.184.216.34', '10.0.0.7'], 'v6.example.com': ['fd00::1'], 'empty.example.com': [] })

  it('lets a name through when every address is public', async () => {
    expect(await checkResolvedHost(new URL('https://hooks.example.com/x'), lookup)).toEqual({ ok: true })
  })

  it('refuses for good a name with any private address (IPv4 or IPv6)', async () => {
    const r = await checkResolvedHost(new URL('https://sneaky.example.com/x'), lookup)
    expect(r).toMatchObject({ ok: false, permanent: true })
    expect(r.ok ? '' : r.reason).toContain('10.0.0.7')
    expect(await checkResolvedHost(new URL('https://v6.example.com/'), lookup)).toMatchObject({ ok: false, permanent: true })
  })

  it('treats a name that does not resolve now as worth a retry', async () => {
    expect(await checkResolvedHost(new URL('https://gone.example.com/'), lookup)).toMatchObject({ ok: false, permanent: false })
    expect(await checkResolvedHost(new URL('https://empty.example.com/'), lookup)).toMatchObject({ ok: false, permanent: false })
  })

  it('leaves literal addresses to checkWebhookUrl', async () => {
    expect(await checkResolvedHost(new URL('http://10.1.2.3/'), async () => { throw new Error('not called') })).toEqual({ ok: true })
    expect(await checkResolvedHost(new URL('http://[::1]/'), async () => { throw new Error('not called') })).toEqual({ ok: true })
  })
})
