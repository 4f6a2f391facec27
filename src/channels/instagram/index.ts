import { placeholderChannel } from '../placeholder.ts'

export const instagram = placeholderChannel('instagram', 'Instagram')
