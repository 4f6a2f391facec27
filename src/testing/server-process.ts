// `earshot serve` as its own process on a free loopback port, as a user runs it: for end-to-end
// and browser tests. Waits for /readyz; keeps the server's output for failure messages.
import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const repoRoot = resolve(import.meta.dirname, '../..')
export const earshotBin = join(repoRoot, 'bin/earshot.js')

export interface ServerProcess {
  url: string
  dataDir: string
  /** Everything the server printed so far. */
  output(): string
  stop(): Promise<void>
}

function inheritedEnv(ownStore: boolean): NodeJS.ProcessEnv {
  if (!ownStore) return process.env
  const { DATABASE_URL: _db, NATS_URL: _nats, ...rest } = process.env
  return rest
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const address = s.address()
      if (address === null || typeof address === 'string') return rej(new Error('no port'))
      s.close(() => res(address.port))
    })
  })
}

/**
 * `ownStore`: ignore DATABASE_URL and NATS_URL from this process's environment, so the server keeps its
 * data in its own data dir (CI exports both for the integration suite; browser tests must not share them).
 */
export async function startServerProcess(opts: { args?: string[]; env?: Record<string, string>; readyTimeoutMs?: number; ownStore?: boolean } = {}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'earshot-e2e-'))
  chmodSync(dataDir, 0o755) // as root, the embedded PostgreSQL server runs as 'postgres' and must reach it
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  let output = ''
  const server: ChildProcess = spawn(process.execPath, [earshotBin, 'serve', '--port', String(port), '--data-dir', dataDir, ...(opts.args ?? [])], {
    cwd: repoRoot,
    env: { ...inheritedEnv(opts.ownStore === true), ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  server.stdout!.on('data', (d) => (output += String(d)))
  server.stderr!.on('data', (d) => (output += String(d)))
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM')
      await new Promise((r) => server.once('exit', r))
    }
    rmSync(dataDir, { recursive: true, force: true })
  }
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 90_000)
  for (;;) {
    if (server.exitCode !== null) {
      await stop()
      throw new Error(`server exited: ${output}`)
    }
    try {
      if ((await fetch(`${url}/readyz`)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`server not ready: ${output}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  return { url, dataDir, output: () => output, stop }
}
