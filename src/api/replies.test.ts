import { startTestServer } from '../testing/server.ts'
import { repliesSuite } from './replies-suite.ts'

repliesSuite('PGlite + in-process bus', () => startTestServer())
