// The browser tests run against the built app; build it once if web/dist is missing.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')

export default function setup(): void {
  if (existsSync(resolve(root, 'web/dist/index.html'))) return
  console.log('[e2e] web/dist is missing: running `npm run build`')
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: root, stdio: 'inherit', timeout: 120_000 })
}
