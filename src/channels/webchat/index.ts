import { placeholderChannel } from '../placeholder.ts'

export const webchat = placeholderChannel('webchat', 'Web chat')
