// Synthetic but tweet-like texts for the enrichment benchmark (no shared data needed).
import { rng } from './model.ts'

const OPENERS = ['@Delta', '@AmazonHelp', '@SpotifyCares', '@comcastcares', '', '', 'RT @user:']
const BODIES = [
  'my flight was delayed again and nobody at the gate will tell us anything',
  'how do I change the delivery address on my order?',
  'thanks so much, the crew was amazing today!!',
  'it would be great if you could add a sleep timer to the app',
  'still waiting on my refund after 3 weeks, this is ridiculous',
  'the new update is sooooo good 😍 #love',
  'is the store on Main St open on Sunday?',
  'Le colis n\'est toujours pas arrivé, c\'est inadmissible',
  'Das Paket ist immer noch nicht da, warum dauert das so lange?',
  'no puedo entrar a mi cuenta desde ayer, alguien me ayuda?',
  'I can\'t believe how bad the customer service is. never again',
  'great job losing my bag… thanks a lot',
]
const TAILS = ['', ' https://t.co/xyz123', ' #fail', ' :(', ' :)', ' 🙄', ' please help']

export function enrichBenchTexts(n: number, seed = 42): string[] {
  const r = rng(seed)
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)]!
  return Array.from({ length: n }, (_, i) => `${pick(OPENERS)} ${pick(BODIES)}${pick(TAILS)} ${i % 7 === 0 ? String(i) : ''}`.trim())
}
