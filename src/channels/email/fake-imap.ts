// A minimal IMAP4rev1 server (RFC 3501) for tests, enough for imapflow: CAPABILITY, LOGIN,
// SELECT/EXAMINE (UIDVALIDITY, UIDNEXT, EXISTS), UID FETCH of BODY[]/RFC822 with UID, FLAGS,
// INTERNALDATE and RFC822.SIZE, UID SEARCH (ALL, UID set, HEADER), IDLE with an EXISTS push when a
// message is added, NOOP, CLOSE/UNSELECT, LIST of the mailboxes, LOGOUT. Plain TCP, no TLS.
// Client literals ({n} and {n+}) are read. Every command is logged (LOGIN's password masked).
import { createServer, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

export interface FakeMailbox {
  uidValidity: number
  uidNext: number
  messages: { uid: number; source: Buffer; flags: string[]; internalDate: Date }[]
}

export interface ImapFakeOptions {
  user: string
  password: string
  /** Initial mailboxes and their messages (raw RFC 5322 text), e.g. `{ INBOX: [eml, eml], Sent: [] }`. */
  mailboxes?: Record<string, readonly (string | Buffer)[]>
  uidValidity?: number
}

export interface ImapFake {
  host: string
  port: number
  /** Commands received, tags stripped, e.g. `UID FETCH 3:* (UID FLAGS BODY.PEEK[])`. */
  commands: string[]
  mailboxes: Map<string, FakeMailbox>
  /** Appends a message; sessions idling on that mailbox get `* n EXISTS`. Returns its UID. */
  addMessage(mailbox: string, source: string | Buffer): number
  /** A new UIDVALIDITY (the mailbox was rebuilt): every UID is new, starting from 1. */
  resetUidValidity(mailbox: string, uidValidity: number): void
  /** Cuts every open connection (a server restart or a network failure). */
  dropConnections(): void
  /** How many connections are open now. */
  connectionCount(): number
  close(): Promise<void>
}

interface Session {
  socket: Socket
  authenticated: boolean
  selected: string | null
  /** The tag of a running IDLE, else null. */
  idleTag: string | null
  /** EXISTS count this session has been told about. */
  knownExists: number
}

type Token = string | Token[]

export async function startImapFake(options: ImapFakeOptions): Promise<ImapFake> {
  const mailboxes = new Map<string, FakeMailbox>()
  const uidValidity = options.uidValidity ?? 1_700_000_000
  for (const [name, sources] of Object.entries(options.mailboxes ?? { INBOX: [] })) {
    mailboxes.set(name, { uidValidity, uidNext: 1, messages: [] })
    for (const source of sources) append(name, source)
  }
  if (!mailboxes.has('INBOX')) mailboxes.set('INBOX', { uidValidity, uidNext: 1, messages: [] })
  const sessions = new Set<Session>()
  const commands: string[] = []

  function append(name: string, source: string | Buffer): number {
    let box = mailboxes.get(name)
    if (box === undefined) {
      box = { uidValidity, uidNext: 1, messages: [] }
      mailboxes.set(name, box)
    }
    const uid = box.uidNext++
    box.messages.push({ uid, source: typeof source === 'string' ? Buffer.from(source, 'utf8') : source, flags: [], internalDate: new Date() })
    return uid
  }

  const server: Server = createServer((socket) => {
    const session: Session = { socket, authenticated: false, selected: null, idleTag: null, knownExists: 0 }
    sessions.add(session)
    socket.on('close', () => sessions.delete(session))
    socket.on('error', () => sessions.delete(session))
    socket.write('* OK [CAPABILITY IMAP4rev1 IDLE UIDPLUS LITERAL+] fake IMAP ready\r\n')
    let buffer = Buffer.alloc(0)
    let pending: { parts: Buffer[]; need: number } | null = null
    let command: Buffer[] = []
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk])
      for (;;) {
        if (pending !== null) {
          if (buffer.length < pending.need) return
          command.push(buffer.subarray(0, pending.need))
          buffer = buffer.subarray(pending.need)
          pending = null
          continue
        }
        const eol = buffer.indexOf('\r\n')
        if (eol < 0) return
        const line = buffer.subarray(0, eol)
        buffer = buffer.subarray(eol + 2)
        const literal = /\{(\d+)(\+?)\}$/.exec(line.toString('latin1'))
        if (literal !== null) {
          command.push(line.subarray(0, line.length - literal[0].length), Buffer.from('\u0000LITERAL\u0000'))
          pending = { parts: [], need: Number(literal[1]) }
          if (literal[2] !== '+') socket.write('+ go ahead\r\n')
          continue
        }
        command.push(line)
        const whole = command
        command = []
        handle(session, whole)
      }
    })
  })

  function handle(session: Session, parts: Buffer[]): void {
    // Parts alternate: text, literal marker, literal bytes, text … → one token list.
    let text = ''
    const literals: string[] = []
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as Buffer
      if (part.toString('latin1') === '\u0000LITERAL\u0000') {
        literals.push((parts[i + 1] ?? Buffer.alloc(0)).toString('utf8'))
        text += `\u0000${literals.length - 1}\u0000`
        i++
      } else text += part.toString('latin1')
    }
    if (session.idleTag !== null) {
      if (text.trim().toUpperCase() === 'DONE') {
        commands.push('DONE')
        reply(session, `${session.idleTag} OK IDLE terminated`)
        session.idleTag = null
      }
      return
    }
    const tokens = tokenize(text, literals)
    const [tag, name, ...args] = tokens
    if (typeof tag !== 'string' || typeof name !== 'string') return reply(session, '* BAD missing tag or command')
    const upper = name.toUpperCase()
    commands.push(upper === 'LOGIN' ? `LOGIN ${String(args[0])} ***` : text.slice(tag.length + 1).replace(/\u0000\d+\u0000/g, '{literal}'))
    run(session, tag, upper, args)
  }

  function run(session: Session, tag: string, name: string, args: Token[]): void {
    const ok = (text = `${name} completed`) => reply(session, `${tag} OK ${text}`)
    switch (name) {
      case 'CAPABILITY':
        reply(session, '* CAPABILITY IMAP4rev1 IDLE UIDPLUS LITERAL+')
        return ok()
      case 'NOOP':
        reportExists(session)
        return ok()
      case 'LOGOUT':
        reply(session, '* BYE logging out')
        ok()
        session.socket.end()
        return
      case 'LOGIN': {
        if (args[0] === options.user && args[1] === options.password) {
          session.authenticated = true
          return ok('[CAPABILITY IMAP4rev1 IDLE UIDPLUS LITERAL+] logged in')
        }
        return reply(session, `${tag} NO [AUTHENTICATIONFAILED] Invalid credentials`)
      }
    }
    if (!session.authenticated) return reply(session, `${tag} BAD not authenticated`)
    switch (name) {
      case 'LIST':
      case 'LSUB': {
        const pattern = typeof args[1] === 'string' ? args[1] : ''
        if (pattern === '') reply(session, `* ${name} (\\Noselect) "/" ""`)
        const matcher = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/%/g, '[^/]*')}$`, 'i')
        for (const box of mailboxes.keys()) if (pattern !== '' && matcher.test(box)) reply(session, `* ${name} (${box === 'Sent' ? '\\Sent' : ''}) "/" ${quote(box)}`)
        return ok()
      }
      case 'SELECT':
      case 'EXAMINE': {
        const boxName = typeof args[0] === 'string' ? args[0] : ''
        const box = mailboxes.get(/^inbox$/i.test(boxName) ? 'INBOX' : boxName)
        if (box === undefined) return reply(session, `${tag} NO [NONEXISTENT] no such mailbox`)
        session.selected = /^inbox$/i.test(boxName) ? 'INBOX' : boxName
        session.knownExists = box.messages.length
        reply(session, '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)')
        reply(session, '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] flags')
        reply(session, `* ${box.messages.length} EXISTS`)
        reply(session, '* 0 RECENT')
        reply(session, `* OK [UIDVALIDITY ${box.uidValidity}] UIDs valid`)
        reply(session, `* OK [UIDNEXT ${box.uidNext}] next uid`)
        return ok(`[${name === 'SELECT' ? 'READ-WRITE' : 'READ-ONLY'}] ${name} completed`)
      }
      case 'CLOSE':
      case 'UNSELECT':
        session.selected = null
        return ok()
      case 'IDLE':
        if (session.selected === null) return reply(session, `${tag} BAD no mailbox selected`)
        session.idleTag = tag
        reply(session, '+ idling')
        reportExists(session)
        return
      case 'UID': {
        const sub = typeof args[0] === 'string' ? args[0].toUpperCase() : ''
        const box = session.selected === null ? undefined : mailboxes.get(session.selected)
        if (box === undefined) return reply(session, `${tag} BAD no mailbox selected`)
        if (sub === 'FETCH') return uidFetch(session, tag, box, args.slice(1))
        if (sub === 'SEARCH') return uidSearch(session, tag, box, args.slice(1))
        return reply(session, `${tag} BAD unsupported UID ${sub}`)
      }
    }
    reply(session, `${tag} BAD unsupported command ${name}`)
  }

  function uidFetch(session: Session, tag: string, box: FakeMailbox, args: Token[]): void {
    const [set, rawItems] = args
    const items = (Array.isArray(rawItems) ? rawItems : [rawItems]).flat(3).filter((t): t is string => typeof t === 'string').map((t) => t.toUpperCase())
    const maxUid = box.messages.at(-1)?.uid ?? 0
    box.messages.forEach((message, index) => {
      if (typeof set !== 'string' || !inSet(message.uid, set, maxUid)) return
      const fields = [`UID ${message.uid}`]
      if (items.includes('FLAGS')) fields.push(`FLAGS (${message.flags.join(' ')})`)
      if (items.includes('INTERNALDATE')) fields.push(`INTERNALDATE "${imapDate(message.internalDate)}"`)
      if (items.includes('RFC822.SIZE')) fields.push(`RFC822.SIZE ${message.source.length}`)
      const wantsBody = items.some((i) => i === 'BODY.PEEK[]' || i === 'BODY[]' || i === 'RFC822' || i.startsWith('BODY.PEEK[]') || i.startsWith('BODY[]'))
      const head = `* ${index + 1} FETCH (${fields.join(' ')}`
      if (wantsBody) {
        session.socket.write(`${head} BODY[] {${message.source.length}}\r\n`)
        session.socket.write(message.source)
        session.socket.write(')\r\n')
      } else reply(session, `${head})`)
    })
    reply(session, `${tag} OK UID FETCH completed`)
  }

  function uidSearch(session: Session, tag: string, box: FakeMailbox, args: Token[]): void {
    const maxUid = box.messages.at(-1)?.uid ?? 0
    let found = box.messages
    for (let i = 0; i < args.length; i++) {
      const key = typeof args[i] === 'string' ? (args[i] as string).toUpperCase() : ''
      if (key === 'ALL') continue
      if (key === 'UID') {
        const set = args[++i]
        found = found.filter((m) => typeof set === 'string' && inSet(m.uid, set, maxUid))
      } else if (key === 'HEADER') {
        const field = String(args[++i]).toLowerCase()
        const value = String(args[++i]).toLowerCase()
        found = found.filter((m) => headerOf(m.source, field).some((v) => v.toLowerCase().includes(value)))
      } else if (key === 'CHARSET') i++
      else return reply(session, `${tag} BAD unsupported search key ${key}`)
    }
    reply(session, `* SEARCH${found.map((m) => ` ${m.uid}`).join('')}`)
    reply(session, `${tag} OK UID SEARCH completed`)
  }

  function reportExists(session: Session): void {
    const box = session.selected === null ? undefined : mailboxes.get(session.selected)
    if (box === undefined || box.messages.length === session.knownExists) return
    session.knownExists = box.messages.length
    reply(session, `* ${box.messages.length} EXISTS`)
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    host: '127.0.0.1',
    port,
    commands,
    mailboxes,
    addMessage(name, source) {
      const uid = append(name, source)
      for (const session of sessions) if (session.idleTag !== null && session.selected === name) reportExists(session)
      return uid
    },
    resetUidValidity(name, value) {
      const box = mailboxes.get(name)
      if (box === undefined) return
      box.uidValidity = value
      box.uidNext = 1
      for (const message of box.messages) message.uid = box.uidNext++
    },
    dropConnections() {
      for (const session of sessions) session.socket.destroy()
    },
    connectionCount: () => sessions.size,
    async close() {
      for (const session of sessions) session.socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function reply(session: Session, line: string): void {
  if (!session.socket.destroyed) session.socket.write(`${line}\r\n`)
}

function quote(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`
}

/** Atoms, "quoted strings", (lists) and literals (marked \0n\0 in the text). */
function tokenize(text: string, literals: readonly string[]): Token[] {
  const root: Token[] = []
  const stack: Token[][] = [root]
  let i = 0
  while (i < text.length) {
    const c = text[i] as string
    const top = stack.at(-1) as Token[]
    if (c === ' ') i++
    else if (c === '(') {
      const list: Token[] = []
      top.push(list)
      stack.push(list)
      i++
    } else if (c === ')') {
      if (stack.length > 1) stack.pop()
      i++
    } else if (c === '"') {
      let value = ''
      i++
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') i++
        value += text[i] ?? ''
        i++
      }
      top.push(value)
      i++
    } else if (c === '\u0000') {
      const end = text.indexOf('\u0000', i + 1)
      top.push(literals[Number(text.slice(i + 1, end))] ?? '')
      i = end + 1
    } else {
      // atoms may hold brackets: BODY.PEEK[HEADER.FIELDS (A B)] is read as one atom
      let value = ''
      let depth = 0
      while (i < text.length && (depth > 0 || !/[ ()]/.test(text[i] as string))) {
        if (text[i] === '[') depth++
        if (text[i] === ']') depth--
        value += text[i]
        i++
      }
      top.push(value)
    }
  }
  return root
}

function inSet(uid: number, set: string, maxUid: number): boolean {
  return set.split(',').some((range) => {
    const [a = '', b = a] = range.split(':')
    const lo = a === '*' ? maxUid : Number(a)
    const hi = b === '*' ? maxUid : Number(b)
    return uid >= Math.min(lo, hi) && uid <= Math.max(lo, hi)
  })
}

function headerOf(source: Buffer, field: string): string[] {
  const text = source.toString('utf8')
  const end = text.search(/\r?\n\r?\n/)
  const head = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ')
  return head.split(/\r?\n/).filter((line) => line.toLowerCase().startsWith(`${field}:`)).map((line) => line.slice(field.length + 1).trim())
}

function imapDate(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${pad(date.getUTCDate())}-${months[date.getUTCMonth()]}-${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
}
