// The channel registry: one line per channel. The `satisfies` makes a missing channel a compile error.
import { isChannelName, type ChannelName } from '../core/model.ts'
import { bluesky } from './bluesky/index.ts'
import { email } from './email/index.ts'
import { facebook } from './facebook/index.ts'
import { googleReviews } from './google-reviews/index.ts'
import { instagram } from './instagram/index.ts'
import { mastodon } from './mastodon/index.ts'
import { reddit } from './reddit/index.ts'
import { rssAtom } from './rss-atom/index.ts'
import type { Channel } from './types.ts'
import { webchat } from './webchat/index.ts'
import { webhook } from './webhook/index.ts'
import { xTwitter } from './x-twitter/index.ts'

export const channels = {
  'x-twitter': xTwitter,
  facebook,
  instagram,
  mastodon,
  bluesky,
  reddit,
  'rss-atom': rssAtom,
  'google-reviews': googleReviews,
  email,
  webchat,
  webhook,
} satisfies Record<ChannelName, Channel>

export function channelByName(name: string): Channel | undefined {
  return isChannelName(name) ? channels[name] : undefined
}
