// Channel accounts as the API shows them (never their secrets) and as the channels use them
// (AccountRuntime, secrets decrypted). Field names are checked against the channel's accountFields.
import type { ChannelName } from '../core/model.ts'
import { EarshotError } from '../core/errors.ts'
import type { AccountRuntime, Channel } from '../channels/types.ts'
import type { ChannelAccountRow } from '../store/queries/channel-accounts.ts'
import type { SecretBox } from './secret-box.ts'

export interface AccountView {
  id: string
  channel: string
  name: string
  settings: Record<string, string>
  /** Names of the secrets that are set; their values never leave the server. */
  secretsSet: string[]
  enabled: boolean
  health: 'unknown' | 'ok' | 'error'
  lastError: string | null
  /** Where the platform must deliver webhooks for this account (path on this server), if the channel takes webhooks. */
  webhookPath: string | null
  capabilities: { webhook: boolean; source: boolean; send: string[]; testConnection: boolean }
  createdAt: string
  updatedAt: string
}

export function webhookPath(channel: string, accountId: string): string {
  return `/api/v1/webhooks/${channel}/${accountId}`
}

export function openSecrets(row: ChannelAccountRow, box: SecretBox): Record<string, string> {
  return row.sealedSecrets === null ? {} : box.open(row.sealedSecrets)
}

export function accountView(row: ChannelAccountRow, channel: Channel, box: SecretBox): AccountView {
  return {
    id: row.id,
    channel: row.channel,
    name: row.name,
    settings: row.settings,
    secretsSet: Object.keys(openSecrets(row, box)).sort(),
    enabled: row.enabled,
    health: row.health,
    lastError: row.lastError,
    webhookPath: channel.verify === undefined ? null : webhookPath(row.channel, row.id),
    capabilities: { webhook: channel.verify !== undefined, source: channel.source !== undefined, send: [...(channel.send?.actions ?? [])], testConnection: channel.testConnection !== undefined },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

export function accountRuntime(row: ChannelAccountRow, box: SecretBox): AccountRuntime {
  return {
    id: row.id, workspaceId: row.workspaceId, channel: row.channel as ChannelName, name: row.name,
    settings: row.settings, secrets: openSecrets(row, box),
  }
}

/** Refuses setting or secret names the channel does not read (a typo would otherwise be silently ignored). */
export function checkAccountFields(channel: Channel, settings: Record<string, unknown>, secrets: Record<string, unknown>): void {
  const known = channel.accountFields ?? { settings: [], secrets: [] }
  const unknownSettings = Object.keys(settings).filter((k) => !known.settings.includes(k))
  const unknownSecrets = Object.keys(secrets).filter((k) => !known.secrets.includes(k))
  if (unknownSettings.length > 0 || unknownSecrets.length > 0) {
    const parts = [
      ...(unknownSettings.length > 0 ? [`unknown settings ${unknownSettings.join(', ')} (known: ${known.settings.join(', ') || 'none'})`] : []),
      ...(unknownSecrets.length > 0 ? [`unknown secrets ${unknownSecrets.join(', ')} (known: ${known.secrets.join(', ') || 'none'})`] : []),
    ]
    throw new EarshotError('INVALID_ACCOUNT', parts.join('; '), { unknownSettings, unknownSecrets })
  }
}

/** Applies a patch where null removes a key. */
export function mergeFields(current: Record<string, string>, patch: Record<string, string | null>): Record<string, string> {
  const next = { ...current }
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete next[k]
    else next[k] = v
  }
  return next
}
