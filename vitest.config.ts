import { defineConfig } from 'vitest/config'

export default defineConfig({
  // web/ component tests (.tsx, happy-dom per file) use React's automatic JSX runtime
  esbuild: { jsx: 'automatic' },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.tsx'],
    exclude: ['**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
