import { placeholderChannel } from '../placeholder.ts'

export const googleReviews = placeholderChannel('google-reviews', 'Google reviews')
