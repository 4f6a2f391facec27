// Writes the labelled customer tweets (labels/twcs-sentiment.csv joined with the shared
// twcs_sample.csv) as `text,label` CSVs, one per industry plus all.csv, into a folder OUTSIDE the
// repository, for `earshot eval sentiment FILE [--baseline vader|afinn]`. The shipped model trained on
// these rows: its held-out figures are the leave-one-industry-out ones printed by `earshot train`.
// Run: npx tsx src/triage/scripts/customer-eval-csv.ts --out /tmp/earshot-customer [--data-dir DIR]
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sharedDataDir } from '../../testing/shared.ts'
import { loadCustomerTweets } from '../data.ts'

const arg = (name: string): string | undefined => { const i = process.argv.indexOf(name); return i >= 0 ? process.argv[i + 1] : undefined }
const out = arg('--out')
if (!out) { console.error('usage: customer-eval-csv.ts --out DIR [--data-dir DIR]'); process.exit(2) }
const { labelled } = loadCustomerTweets(arg('--data-dir') ?? sharedDataDir)
const quote = (s: string): string => `"${s.replace(/"/gu, '""')}"`
mkdirSync(out, { recursive: true })
const groups = [...new Set(labelled.map((r) => r.domain ?? ''))].sort()
for (const g of [...groups, 'all']) {
  const rows = labelled.filter((r) => g === 'all' || r.domain === g)
  writeFileSync(join(out, `${g}.csv`), 'text,label\n' + rows.map((r) => `${quote(r.text)},${r.label}\n`).join(''))
  console.log(`${join(out, `${g}.csv`)}: ${rows.length} rows`)
}
