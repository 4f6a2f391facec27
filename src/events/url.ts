// Where an event webhook may point. Only http(s), no credentials in the URL, bounded length; with
// allowPrivateNetwork false, literal loopback/private/link-local addresses and "localhost" are refused too.
// Host names are resolved just before each delivery (checkResolvedHost): a public name that resolves to a
// private address is refused too. A name that changes between that lookup and the connection (DNS
// rebinding) is not caught: run receivers behind an egress proxy where that matters.
import { lookup as dnsLookup } from 'node:dns/promises'
import { isIP } from 'node:net'

export const webhookUrlLengthMax = 2048

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string }

function isPrivateIpv4(host: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host)
  if (m === null) return false
  const [a, b] = [Number(m[1]), Number(m[2])]
  return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)
}

function isPrivateIpv6(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (!h.includes(':')) return false
  if (h === '::' || h === '::1') return true
  if (h.startsWith('fc') || h.startsWith('fd') || h.startsWith('fe8') || h.startsWith('fe9') || h.startsWith('fea') || h.startsWith('feb')) return true
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(h)
  if (mapped !== null) return isPrivateIpv4(mapped[1]!)
  // WHATWG URL writes IPv4-mapped addresses in hex: [::ffff:7f00:1] is 127.0.0.1
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h)
  if (hex === null) return false
  const [hi, lo] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)]
  return isPrivateIpv4(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`)
}

export function checkWebhookUrl(raw: string, opts: { allowPrivateNetwork: boolean }): UrlCheck {
  if (raw.length > webhookUrlLengthMax) return { ok: false, reason: `longer than ${webhookUrlLengthMax} characters` }
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { ok: false, reason: 'not an absolute URL' }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: `only http and https URLs are allowed, not ${url.protocol.replace(/:$/, '')}` }
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'credentials in the URL are not allowed: the signature authenticates deliveries' }
  if (url.hostname === '') return { ok: false, reason: 'no host' }
  if (url.hash !== '') return { ok: false, reason: 'a fragment (#…) is never sent: remove it' }
  if (!opts.allowPrivateNetwork) {
    const host = url.hostname.toLowerCase()
    if (host === 'localhost' || host.endsWith('.localhost') || isPrivateIpv4(host) || isPrivateIpv6(host)) {
      return { ok: false, reason: `${host} is a loopback or private address, which this server refuses (EARSHOT_WEBHOOKS_PRIVATE=0)` }
    }
  }
  return { ok: true, url }
}

/** The addresses a host name resolves to. */
export type HostLookup = (host: string) => Promise<string[]>

export const systemLookup: HostLookup = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address)

export type HostCheck = { ok: true } | { ok: false; permanent: boolean; reason: string }

/**
 * With private addresses refused: a host name any of whose addresses is loopback, private or
 * link-local is refused (permanent); a name that does not resolve now is worth a retry (not permanent).
 * Literal addresses were judged by checkWebhookUrl already.
 */
export async function checkResolvedHost(url: URL, lookup: HostLookup = systemLookup): Promise<HostCheck> {
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (isIP(host) !== 0) return { ok: true }
  let addresses: string[]
  try {
    addresses = await lookup(host)
  } catch (err) {
    return { ok: false, permanent: false, reason: `cannot resolve ${host}: ${err instanceof Error ? err.message : String(err)}` }
  }
  if (addresses.length === 0) return { ok: false, permanent: false, reason: `${host} resolves to no address` }
  const inner = addresses.find((a) => isPrivateIpv4(a) || isPrivateIpv6(a))
  if (inner !== undefined) return { ok: false, permanent: true, reason: `${host} resolves to ${inner}, a loopback or private address, which this server refuses (EARSHOT_WEBHOOKS_PRIVATE=0)` }
  return { ok: true }
}
