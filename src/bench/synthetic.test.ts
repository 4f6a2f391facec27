import { describe, expect, it } from 'vitest'
import { parseJetstreamEvent } from '../channels/bluesky/parse.ts'
import type { NormalizedMessage } from '../core/model.ts'
import { generateJetstreamPosts, textCharsMax, textCharsMin } from './synthetic.ts'

const count = 3000
const stream = generateJetstreamPosts({ count, seed: 42 })

function parseAll(): NormalizedMessage[] {
  return stream.posts.map((p, i) => {
    const result = parseJetstreamEvent({ body: p.line, origin: `line ${i + 1}` })
    if (!result.ok) throw new Error(`line ${i + 1}: ${result.reason} ${result.detail}`)
    expect(result.messages).toHaveLength(1)
    return result.messages[0]!
  })
}

describe('synthetic Jetstream posts', () => {
  it('every line parses with the real Bluesky parser into the post it describes', () => {
    const messages = parseAll()
    messages.forEach((m, i) => {
      const post = stream.posts[i]!
      expect(m.op).toBe('create')
      expect(m.externalId).toBe(post.uri)
      expect(m.author?.externalUserId).toBe(post.did)
      expect(m.parentExternalId).toBe(post.parentUri)
      expect(m.threadExternalId).toBe(post.parentUri === null ? null : post.rootUri)
      expect(m.text.length).toBeGreaterThanOrEqual(textCharsMin)
      expect(m.text.length).toBeLessThanOrEqual(textCharsMax)
    })
  })

  it('post ids are unique; authors repeat from a pool of ~N/5', () => {
    expect(new Set(stream.posts.map((p) => p.uri)).size).toBe(count)
    expect(stream.authors).toBe(count / 5)
    const posting = new Set(stream.posts.map((p) => p.did)).size
    expect(posting).toBeLessThanOrEqual(count / 5)
    expect(posting).toBeGreaterThan(count / 10)
  })

  it('about 30 % are replies, to earlier posts, with the thread root of their parent', () => {
    expect(stream.replies / count).toBeGreaterThan(0.25)
    expect(stream.replies / count).toBeLessThan(0.35)
    const seen = new Map<string, string>()
    for (const p of stream.posts) {
      if (p.parentUri !== null) {
        expect(seen.has(p.parentUri)).toBe(true)
        expect(p.rootUri).toBe(seen.get(p.parentUri))
      } else {
        expect(p.rootUri).toBe(p.uri)
      }
      seen.set(p.uri, p.rootUri)
    }
    expect(stream.threads).toBe(count - stream.replies)
  })

  it('some texts are complaints', () => {
    const complaintWords = /\b(delayed|cancell?ed|refund|rude|never again|still waiting|damaged|switching to|hangs up|logged me out)\b/i
    const complaints = parseAll().filter((m) => complaintWords.test(m.text))
    expect(complaints.length / count).toBeGreaterThan(0.15)
    expect(complaints.length / count).toBeLessThan(0.8)
  })

  it('is deterministic for a seed and differs across seeds', () => {
    const again = generateJetstreamPosts({ count, seed: 42 })
    expect(again.posts.map((p) => p.line)).toEqual(stream.posts.map((p) => p.line))
    const other = generateJetstreamPosts({ count: 50, seed: 43 })
    expect(other.posts[0]!.line).not.toBe(stream.posts[0]!.line)
  })

  it('handles zero and refuses a bad count', () => {
    expect(generateJetstreamPosts({ count: 0 }).posts).toEqual([])
    expect(() => generateJetstreamPosts({ count: -1 })).toThrow(RangeError)
    expect(() => generateJetstreamPosts({ count: 1.5 })).toThrow(RangeError)
  })
})
