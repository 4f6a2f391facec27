import { e2eSuite } from './e2e-suite.ts'

e2eSuite('embedded store, in-process bus', { DATABASE_URL: '', NATS_URL: '' })
