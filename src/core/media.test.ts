import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { mediaLinks, mediaMax, safeMediaUrl } from './media.ts'

describe('safeMediaUrl', () => {
  it.each([
    ['https://files.mastodon.social/a.png', 'https://files.mastodon.social/a.png'],
    ['http://example.com/x?y=1', 'http://example.com/x?y=1'],
    ['javascript:alert(1)', null],
    ['data:image/png;base64,AAAA', null],
    ['/relative/path.png', null],
    ['', null],
    [42, null],
    [`https://e.com/${'a'.repeat(3000)}`, null],
  ])('%s → %s', (input, expected) => {
    expect(safeMediaUrl(input)).toBe(expected)
  })
})

describe('mediaLinks', () => {
  it('keeps safe, distinct links in order with trimmed alt text, at most mediaMax', () => {
    const many = Array.from({ length: 15 }, (_, i) => ({ kind: 'image' as const, url: `https://cdn.example/${i}.jpg`, alt: i === 0 ? '  a bag  ' : '' }))
    const links = mediaLinks([{ kind: 'link', url: 'javascript:x' }, ...many, { kind: 'image', url: 'https://cdn.example/0.jpg' }])
    expect(links).toHaveLength(mediaMax)
    expect(links[0]).toEqual({ kind: 'image', url: 'https://cdn.example/0.jpg', alt: 'a bag' })
    expect(links[1]!.alt).toBeNull()
  })

  it('never lets anything but http(s) through, whatever the input', () => {
    fc.assert(fc.property(fc.array(fc.record({ kind: fc.constantFrom('image', 'video', 'link'), url: fc.oneof(fc.string(), fc.webUrl(), fc.anything()), alt: fc.anything() })), (candidates) => {
      for (const m of mediaLinks(candidates as never)) {
        expect(m.url).toMatch(/^https?:\/\//)
        expect(m.alt === null || typeof m.alt === 'string').toBe(true)
      }
    }), { numRuns: 300 })
  })
})
