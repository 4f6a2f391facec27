// Pure decisions about satisfaction surveys: whether and how a resolved conversation gets one, its
// text, its token, and the summary of scores.
import { createHash, randomBytes } from 'node:crypto'
import type { OutboundAction } from '../channels/types.ts'

export interface SurveySettings {
  channels: readonly string[]
  publicConversations: boolean
}

export interface SurveyFacts {
  channel: string
  /** The customer wrote privately (DM, mail, chat). */
  private: boolean
}

/** What a channel can do, from its folder's index.ts (send.actions, replyLengthMax). */
export interface ChannelAbility {
  label: string
  actions: readonly OutboundAction[]
  replyLengthMax: number | null
}

export type SurveyPlan =
  | { ok: true; action: 'reply' | 'dm'; visibility: 'public' | 'private' }
  | { ok: false; reason: string }

/**
 * Private conversations get the survey as a reply in their thread. Public ones (a public post answered
 * in public) only when the settings say so: by private message where the channel can, else as a public reply.
 */
export function planSurvey(facts: SurveyFacts, settings: SurveySettings, ability: ChannelAbility | null): SurveyPlan {
  if (settings.channels.length > 0 && !settings.channels.includes(facts.channel)) return { ok: false, reason: `${facts.channel} is not among the CSAT channels` }
  if (ability === null || ability.actions.length === 0) return { ok: false, reason: `${facts.channel} cannot send messages` }
  if (facts.private) {
    return ability.actions.includes('reply')
      ? { ok: true, action: 'reply', visibility: 'private' }
      : { ok: false, reason: `${ability.label} cannot answer a private message` }
  }
  if (!settings.publicConversations) return { ok: false, reason: 'public conversation: surveys on public conversations are off' }
  if (ability.actions.includes('dm')) return { ok: true, action: 'dm', visibility: 'private' }
  if (ability.actions.includes('reply')) return { ok: true, action: 'reply', visibility: 'public' }
  return { ok: false, reason: `${ability.label} can neither send a private message nor reply` }
}

export const linkPlaceholder = '{link}'

/** The message with its link: in place of {link}, else appended. */
export function surveyText(message: string, link: string): string {
  const text = message.trim()
  return text.includes(linkPlaceholder) ? text.replaceAll(linkPlaceholder, link) : `${text}${text === '' ? '' : ' '}${link}`
}

/** 32 random bytes, base64url: the survey link's only credential. Only its hash is stored. */
export function newSurveyToken(): string {
  return randomBytes(32).toString('base64url')
}

export const surveyTokenPattern = /^[A-Za-z0-9_-]{43}$/

export function hashSurveyToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export const surveyLifetimeMs = 7 * 86_400_000

export interface CsatSummary {
  count: number
  /** Mean score, 2 decimals; null without responses. */
  average: number | null
  /** Share of 4 and 5, in percent with 1 decimal; null without responses. */
  csatPercent: number | null
  distribution: Record<'1' | '2' | '3' | '4' | '5', number>
}

export function summarise(counts: Record<1 | 2 | 3 | 4 | 5, number>): CsatSummary {
  const scores = [1, 2, 3, 4, 5] as const
  const count = scores.reduce((a, s) => a + counts[s], 0)
  const sum = scores.reduce((a, s) => a + s * counts[s], 0)
  const satisfied = counts[4] + counts[5]
  return {
    count,
    average: count === 0 ? null : Math.round((sum / count) * 100) / 100,
    csatPercent: count === 0 ? null : Math.round((satisfied / count) * 1000) / 10,
    distribution: { 1: counts[1], 2: counts[2], 3: counts[3], 4: counts[4], 5: counts[5] },
  }
}
