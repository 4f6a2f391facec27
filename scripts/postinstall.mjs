// Builds the agent app after `npm install` so `npm start` serves it. Installs without dev
// dependencies (no Vite) skip the build and the server falls back to its single-file page.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
try {
  require.resolve('vite/package.json')
} catch {
  console.warn('earshot: Vite is not installed (production install?): skipping the web app build; / serves the basic page')
  process.exit(0)
}
// A production React build whatever NODE_ENV the installing shell has (vitest sets it to "test").
process.env.NODE_ENV = 'production'
const { build } = await import('vite')
await build({ configFile: 'web/vite.config.ts', logLevel: 'warn' })
