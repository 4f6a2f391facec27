import { describe, expect, it } from 'vitest'
import { checkWebhookUrl } from './url.ts'

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
