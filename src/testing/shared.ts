// Locates ../shared (fixtures and data kept outside the repository). A user's clone has none,
// so tests that read it must skip with a clear message instead of failing.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** EARSHOT_SHARED_DIR overrides; otherwise the sibling folder `../shared` of the repository. */
export const sharedDir = process.env.EARSHOT_SHARED_DIR ?? resolve(repoRoot, '../shared')

export const sharedFixturesDir = join(sharedDir, 'fixtures', 'platforms')
export const hasSharedFixtures = existsSync(sharedFixturesDir)
export const sharedDataDir = join(sharedDir, 'data')
export const hasSharedData = existsSync(sharedDataDir)

export const sharedSkipMessage = `../shared not found at ${sharedDir}: skipping tests that read shared fixtures/data (the project's own payload tests still run)`

let warned = false
/** Call from a test file's top level; logs once why shared-fixture tests are skipped. */
export function warnIfNoShared(): void {
  if (hasSharedFixtures || warned) return
  warned = true
  console.warn(sharedSkipMessage)
}

export function fixturePath(channel: string, file: string): string {
  return join(sharedFixturesDir, channel, file)
}

export function readFixture(channel: string, file: string): string {
  return readFileSync(fixturePath(channel, file), 'utf8')
}

export function listFixtures(channel: string): string[] {
  const dir = join(sharedFixturesDir, channel)
  return existsSync(dir) ? readdirSync(dir).filter((f) => f !== 'SOURCES.md').sort() : []
}
