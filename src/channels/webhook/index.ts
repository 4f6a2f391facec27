import { textLengthMax } from '../wire.ts'
import type { Channel } from '../types.ts'
import { parseWebhookBody } from './parse.ts'
import { pingReceiver, webhookSender } from './send.ts'
import { verifyWebhookDelivery } from './verify.ts'

export const webhook: Channel = {
  name: 'webhook',
  label: 'Webhook',
  // A delivery is one JSON document (one event or {"events": […]}); .jsonl uploads are cut into
  // lines by their extension and each line is such a document, so both framings parse.
  framing: 'document',
  parse: parseWebhookBody,
  openListening: false,
  // Receivers decide their own limits; this is the longest text our own parser accepts.
  replyLengthMax: textLengthMax,
  verify: verifyWebhookDelivery,
  send: webhookSender,
  accountFields: { settings: ['outgoingUrl'], secrets: ['signingSecret'] },
  testConnection: pingReceiver,
}
