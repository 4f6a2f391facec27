// The channel registry: one line per channel. The `satisfies` makes a missing channel a compile error.
import { isChannelName, type ChannelName } from '../core/model.ts'
import { bluesky } from './bluesky/index.ts'
import { rssAtom } from './rss-atom/index.ts'
import type { Channel } from './types.ts'
import { xTwitter } from './x-twitter/index.ts'

export const channels = {
  bluesky,
  'x-twitter': xTwitter,
  'rss-atom': rssAtom,
} satisfies Record<ChannelName, Channel>

export function channelByName(name: string): Channel | undefined {
  return isChannelName(name) ? channels[name] : undefined
}
