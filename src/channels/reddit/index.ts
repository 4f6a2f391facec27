import { placeholderChannel } from '../placeholder.ts'

export const reddit = placeholderChannel('reddit', 'Reddit')
