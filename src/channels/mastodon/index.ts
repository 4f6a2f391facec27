import { placeholderChannel } from '../placeholder.ts'

export const mastodon = placeholderChannel('mastodon', 'Mastodon')
