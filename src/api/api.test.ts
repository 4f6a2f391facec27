import { apiSuite } from './api-suite.ts'
import { startTestServer } from '../testing/server.ts'

apiSuite('PGlite + in-process bus', () => startTestServer())
