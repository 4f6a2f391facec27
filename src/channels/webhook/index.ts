import { placeholderChannel } from '../placeholder.ts'

export const webhook = placeholderChannel('webhook', 'Webhook')
