// The browser tests run against the built app: build it when web/dist is missing or older than the
// app's sources (a local run after editing web/ must not test yesterday's build).
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')

function newestMtimeMs(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs)
  }
  return newest
}

export default function setup(): void {
  const built = resolve(root, 'web/dist/index.html')
  if (existsSync(built) && statSync(built).mtimeMs >= newestMtimeMs(resolve(root, 'web/src'))) return
  console.log('[e2e] web/dist is missing or older than web/src: running `npm run build`')
  // vitest sets NODE_ENV=test, which would make Vite bundle React's development build
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: root, stdio: 'inherit', timeout: 120_000, env: { ...process.env, NODE_ENV: 'production' } })
}
