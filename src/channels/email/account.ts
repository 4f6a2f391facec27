// Reading an email account's settings and secrets into the options imapflow and nodemailer take.
// Settings are strings (they come from the accounts API); defaults are the usual ports with TLS.
import { ImapFlow } from 'imapflow'
import type { AccountRuntime } from '../types.ts'

export const emailSettings = [
  'host', 'port', 'secure', 'user', 'mailbox', 'smtpHost', 'smtpPort', 'smtpSecure', 'smtpUser', 'fromAddress', 'fromName', 'sentMailbox',
] as const
export const emailSecrets = ['password', 'smtpPassword'] as const

/** How long a connection, greeting or silent socket may take before the attempt counts as timed out. */
export interface MailTimeouts {
  connectMs: number
  socketMs: number
}

export const defaultTimeouts: MailTimeouts = { connectMs: 15_000, socketMs: 60_000 }

export interface ImapSettings {
  host: string
  port: number
  secure: boolean
  user: string
  password: string
  mailbox: string
}

export interface SmtpSettings {
  host: string
  port: number
  secure: boolean
  user: string
  password: string
  fromAddress: string
  fromName: string | null
}

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value.trim() === '') return fallback
  return ['true', '1', 'yes', 'on'].includes(value.trim().toLowerCase())
}

function portOf(value: string | undefined, fallback: number): number {
  const port = Number(value)
  return Number.isInteger(port) && port > 0 && port < 65_536 ? port : fallback
}

export function imapSettings(account: AccountRuntime): ImapSettings {
  const { settings, secrets } = account
  const secure = flag(settings.secure, true)
  return {
    host: settings.host ?? '',
    port: portOf(settings.port, secure ? 993 : 143),
    secure,
    user: settings.user ?? '',
    password: secrets.password ?? '',
    mailbox: settings.mailbox?.trim() || 'INBOX',
  }
}

export function smtpSettings(account: AccountRuntime): SmtpSettings {
  const { settings, secrets } = account
  const port = portOf(settings.smtpPort, 587)
  const user = settings.smtpUser ?? settings.user ?? ''
  return {
    host: settings.smtpHost ?? settings.host ?? '',
    port,
    // 465 is implicit TLS; 587 and 25 upgrade with STARTTLS when the server offers it.
    secure: flag(settings.smtpSecure, port === 465),
    user,
    password: secrets.smtpPassword ?? secrets.password ?? '',
    fromAddress: settings.fromAddress ?? (user.includes('@') ? user : ''),
    fromName: settings.fromName?.trim() || null,
  }
}

/** A client for one IMAP session; the caller connects and logs out. */
export function imapClient(settings: ImapSettings, timeouts: MailTimeouts): ImapFlow {
  return new ImapFlow({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: { user: settings.user, pass: settings.password },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: timeouts.connectMs,
    greetingTimeout: timeouts.connectMs,
    socketTimeout: timeouts.socketMs,
  })
}
