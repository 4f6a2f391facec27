// The integration suite: the backend-parametrised suites against a PostgreSQL server (DATABASE_URL)
// and NATS JetStream (NATS_URL). .ci/run starts both and sets the variables.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: [
      'src/**/*.integration.test.ts', 'test/**/*.integration.test.ts',
      // suites that add a PostgreSQL run of themselves when DATABASE_URL is set (npm test runs them without it)
      'src/api/wallboard.test.ts', 'src/csat/csat.test.ts', 'src/events/event-webhooks.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
