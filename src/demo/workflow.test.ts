// The demo's snippets and automations are valid as shipped (a typo would leave a rule skipped with a
// problem), and seeding twice adds nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPglite } from '../store/db.ts'
import { storeOver, type Store } from '../store/index.ts'
import { migrate } from '../store/migrate.ts'
import { checkTemplate } from '../workflow/canned.ts'
import { validateSlaPolicy } from '../routing/index.ts'
import { seedDemoWorkflow } from './workflow.ts'

let store: Store
let workspaceId = ''

beforeAll(async () => {
  const db = await openPglite(null)
  await migrate(db)
  store = storeOver(db)
  workspaceId = (await store.workspaces.ensure('demo', 'Northwind Air (demo)')).id
})
afterAll(async () => {
  await store?.close()
})

describe('seedDemoWorkflow', () => {
  it('adds valid canned responses and automations once', async () => {
    await seedDemoWorkflow(store, workspaceId)
    await seedDemoWorkflow(store, workspaceId)
    const canned = await store.canned.list(workspaceId)
    expect(canned.length).toBeGreaterThanOrEqual(5)
    for (const c of canned) expect(checkTemplate(c.body), c.title).toEqual([])
    expect(new Set(canned.map((c) => c.language))).toEqual(new Set(['en', 'fr', 'es']))
    const rules = await store.automations.list(workspaceId)
    expect(rules.map((r) => r.json.name)).toEqual(['Spam: tag and resolve', 'Legal or safety: top priority'])
    for (const r of rules) expect(r.problem, String(r.json.name)).toBeNull()
    const policies = await store.routing.slaPolicies(workspaceId)
    expect(policies.map((p) => p.name)).toEqual(['Social standard'])
    expect(validateSlaPolicy(policies[0]!.policy).ok).toBe(true)
  })
})
