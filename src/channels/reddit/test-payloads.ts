// Reddit payloads written for the tests in the documented wire format (Listings of t1/t3 things),
// so every parser path and the fake run without ../shared.
import type { RedditThingWire } from './fake.ts'

export const createdUtc = 1_717_200_000

export function commentThing(id: string, fields: Record<string, unknown> = {}): RedditThingWire {
  return {
    kind: 't1',
    data: {
      id, name: `t1_${id}`, author: 'customer_a', body: `comment ${id}`, parent_id: 't3_post1', link_id: 't3_post1',
      subreddit: 'acme', permalink: `/r/acme/comments/post1/title/${id}/`, created_utc: createdUtc, edited: false,
      score: 3, ups: 3, replies: '', ...fields,
    },
  }
}

export function postThing(id: string, fields: Record<string, unknown> = {}): RedditThingWire {
  return {
    kind: 't3',
    data: {
      id, name: `t3_${id}`, author: 'customer_b', title: `post ${id}`, selftext: '', is_self: true, subreddit: 'acme',
      permalink: `/r/acme/comments/${id}/post_title/`, url: `https://www.reddit.com/r/acme/comments/${id}/post_title/`,
      created_utc: createdUtc, edited: false, score: 5, ups: 5, num_comments: 2, ...fields,
    },
  }
}

export function mentionThing(id: string, fields: Record<string, unknown> = {}): RedditThingWire {
  return {
    kind: 't1',
    data: {
      id, name: `t1_${id}`, author: 'customer_c', body: `hey u/acme_care ${id}`, parent_id: 't3_post9', was_comment: true,
      context: `/r/other/comments/post9/some_title/${id}/?context=3`, subject: 'username mention', type: 'username_mention',
      new: true, dest: 'acme_care', subreddit: 'other', created_utc: createdUtc, score: 1, replies: '',
    },
  }
}

export function listingOf(children: unknown[], after: string | null = null): Record<string, unknown> {
  return { kind: 'Listing', data: { after, before: null, dist: children.length, modhash: null, geo_filter: '', children } }
}

/** Base36 ids that grow with `n` (Reddit ids only grow). */
export function idAt(prefix: string, n: number): string {
  return `${prefix}${n.toString(36).padStart(4, '0')}`
}
