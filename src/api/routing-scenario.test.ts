import { startTestServer } from '../testing/server.ts'
import { routingScenarioSuite } from './routing-scenario-suite.ts'

routingScenarioSuite('PGlite + in-process bus', () => startTestServer())
