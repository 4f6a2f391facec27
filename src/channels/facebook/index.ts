import { placeholderChannel } from '../placeholder.ts'

export const facebook = placeholderChannel('facebook', 'Facebook')
