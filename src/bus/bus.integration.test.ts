import { randomBytes } from 'node:crypto'
import { afterAll, describe, it } from 'vitest'
import { busSuite } from './bus-suite.ts'
import { createNatsBus, deleteNatsNamespace } from './nats.ts'

const url = process.env.NATS_URL
if (url === undefined) {
  describe('bus: NATS JetStream', () => {
    it.skip('NATS_URL is not set: skipping the NATS JetStream bus suite (run .ci/run or set NATS_URL=nats://127.0.0.1:4222)', () => {})
  })
} else {
  const run = randomBytes(3).toString('hex')
  const namespaces = new Set<string>()
  busSuite('nats', async (scope) => {
    const namespace = `estest_${run}_${scope.replace(/\W/g, '_')}`
    namespaces.add(namespace)
    return createNatsBus({ url, namespace })
  })
  afterAll(async () => {
    for (const ns of namespaces) await deleteNatsNamespace(url, ns)
  })
}
