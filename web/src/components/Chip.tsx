import type { ReactNode } from 'react'

export type ChipTone = 'neutral' | 'neg' | 'pos' | 'warn' | 'info' | 'minus'

export function Chip({ tone = 'neutral', title, children }: { tone?: ChipTone; title?: string; children: ReactNode }) {
  return <span className={`chip ${tone}`} title={title}>{children}</span>
}

export const sentimentTone = (s: string | null): ChipTone => (s === 'negative' ? 'neg' : s === 'positive' ? 'pos' : 'neutral')
