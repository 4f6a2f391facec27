import { placeholderChannel } from '../placeholder.ts'

export const email = placeholderChannel('email', 'Email')
