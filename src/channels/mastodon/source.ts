// Inbound intake. `mastodonPollSource` (the channel's default source) polls the mention
// notifications since the cursor, every page (notifications.ts); `streamingSource` (stream.ts)
// listens on the SSE user stream and catches up by polling after every (re)connect. Both keep
// the same cursor, `{ notificationsSinceId }`, so an account can switch between them.
import type { Source } from '../types.ts'
import { RateGate, catchUpNotifications, cursorId } from './notifications.ts'

export { createStreamingSource, streamingSource } from './stream.ts'
export type { NotificationsCursor } from './notifications.ts'

export const mastodonPollSource: Source = {
  kind: 'poll',
  intervalMs: 60_000,
  async poll(ctx) {
    await catchUpNotifications(ctx, cursorId(ctx.cursor), new RateGate())
  },
}
