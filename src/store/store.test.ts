import { storeSuite } from './store-suite.ts'
import { openPglite } from './db.ts'
import { migrate } from './migrate.ts'
import { storeOver } from './index.ts'

storeSuite('PGlite (embedded)', async () => {
  const db = await openPglite(null)
  await migrate(db)
  return { store: storeOver(db), cleanup: async () => undefined }
})
