import { startTestServer } from '../testing/server.ts'
import { conversationWorkflowSuite } from './conversation-workflow-suite.ts'

conversationWorkflowSuite('PGlite + in-process bus', () => startTestServer())
