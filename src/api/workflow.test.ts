import { startTestServer } from '../testing/server.ts'
import { workflowSuite } from './workflow-suite.ts'

workflowSuite('PGlite + in-process bus', () => startTestServer())
