// Channel accounts: the connections a workspace answers through. Lists them with health, capabilities
// and the webhook URL to give the platform; connects new ones from the channel's own field list;
// edits settings, replaces secrets (never shown back), enables/disables, tests and deletes.
import { useId, useState, type FormEvent } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../../api/endpoints.ts'
import type { ChannelAccount, ChannelInfo, ConnectionTest } from '../../api/types.ts'
import { Chip } from '../../components/Chip.tsx'
import { useNotice } from '../../components/Notice.tsx'
import { Link } from '../../router.tsx'
import { useApi } from '../auth/session.tsx'
import { fieldLabel, filled, problemText, settingsChange } from './fields.ts'

const emptyValues = (names: string[]) => Object.fromEntries(names.map((n) => [n, '']))

function useAccountsKey() {
  const ctx = useApi()
  return ['channel-accounts', ctx.workspace] as const
}

function FieldInputs({ idPrefix, names, values, onChange, secret }: {
  idPrefix: string; names: string[]; values: Record<string, string>; onChange: (name: string, value: string) => void; secret: boolean
}) {
  return (
    <>
      {names.map((n) => (
        <div key={n} className="field">
          <label htmlFor={`${idPrefix}-${n}`}>{fieldLabel(n)} <code className="field-name">{n}</code></label>
          <input id={`${idPrefix}-${n}`} name={n} type={secret ? 'password' : 'text'} value={values[n] ?? ''} maxLength={8192}
            autoComplete={secret ? 'new-password' : 'off'} spellCheck={false} onChange={(e) => onChange(n, e.target.value)} />
        </div>
      ))}
    </>
  )
}

function ConnectForm({ channels }: { channels: ChannelInfo[] }) {
  const ctx = useApi()
  const client = useQueryClient()
  const notice = useNotice()
  const key = useAccountsKey()
  const idPrefix = useId()
  const [channelName, setChannelName] = useState('')
  const channel = channels.find((c) => c.name === channelName)
  const [name, setName] = useState('')
  const [settings, setSettings] = useState<Record<string, string>>({})
  const [secrets, setSecrets] = useState<Record<string, string>>({})
  const [enabled, setEnabled] = useState(true)
  const pick = (n: string) => {
    const c = channels.find((x) => x.name === n)
    setChannelName(n)
    setSettings(emptyValues(c?.settings ?? []))
    setSecrets(emptyValues(c?.secrets ?? []))
  }
  const create = useMutation({
    mutationFn: () => api.createChannelAccount(ctx, { channel: channelName, name: name.trim(), settings: filled(settings), secrets: filled(secrets), enabled }),
    onSuccess: (a) => {
      void client.invalidateQueries({ queryKey: key })
      notice(`Connected "${a.name}".`)
      setName('')
      pick(channelName)
    },
  })
  const submit = (e: FormEvent) => { e.preventDefault(); if (channel !== undefined) create.mutate() }
  return (
    <form className="card stack connect-form" onSubmit={submit} aria-labelledby="connect-title">
      <h2 id="connect-title">Connect an account</h2>
      <label htmlFor="connect-channel">Channel</label>
      <select id="connect-channel" value={channelName} onChange={(e) => pick(e.target.value)} required>
        <option value="" disabled>Choose a channel…</option>
        {channels.map((c) => <option key={c.name} value={c.name}>{c.label}</option>)}
      </select>
      {channel !== undefined && (
        <>
          <p className="hint">
            {[channel.webhook && 'receives webhooks', channel.source && 'pulls or streams posts', channel.send.length > 0 && `sends: ${channel.send.join(', ')}`].filter(Boolean).join(' · ') || 'no capabilities yet'}
          </p>
          <label htmlFor="connect-name">Account name</label>
          <input id="connect-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} autoComplete="off" />
          {channel.settings.length > 0 && (
            <fieldset className="fields">
              <legend>Settings</legend>
              <FieldInputs idPrefix={`${idPrefix}-s`} names={channel.settings} values={settings} secret={false}
                onChange={(n, v) => setSettings((old) => ({ ...old, [n]: v }))} />
            </fieldset>
          )}
          {channel.secrets.length > 0 && (
            <fieldset className="fields">
              <legend>Secrets</legend>
              <p className="hint">Stored encrypted; never shown again.</p>
              <FieldInputs idPrefix={`${idPrefix}-k`} names={channel.secrets} values={secrets} secret
                onChange={(n, v) => setSecrets((old) => ({ ...old, [n]: v }))} />
            </fieldset>
          )}
          {channel.settings.length === 0 && channel.secrets.length === 0 && <p className="hint">This channel needs no settings.</p>}
          <label className="check"><input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled</label>
        </>
      )}
      {create.isError && <p role="alert" className="error-text">{problemText(create.error)}</p>}
      <button type="submit" className="primary" disabled={channel === undefined || create.isPending}>Connect</button>
    </form>
  )
}

function WebhookUrl({ account }: { account: ChannelAccount }) {
  const notice = useNotice()
  if (account.webhookPath === null) return null
  const url = `${location.origin}${account.webhookPath}`
  const inputId = `webhook-${account.id}`
  const copy = () => {
    navigator.clipboard?.writeText(url).then(() => notice('Webhook URL copied.'), () => notice('Could not copy: select the URL and copy it.', 'warn'))
  }
  return (
    <div className="webhook-url">
      <label htmlFor={inputId}>Webhook URL to give the platform</label>
      <div className="inline">
        <input id={inputId} className="mono" readOnly value={url} onFocus={(e) => e.target.select()} />
        <button type="button" onClick={copy}>Copy<span className="sr-only"> the webhook URL of {account.name}</span></button>
      </div>
    </div>
  )
}

function AccountEditor({ account, info, onDone }: { account: ChannelAccount; info: ChannelInfo | undefined; onDone: () => void }) {
  const ctx = useApi()
  const client = useQueryClient()
  const notice = useNotice()
  const key = useAccountsKey()
  const idPrefix = useId()
  const settingNames = [...new Set([...(info?.settings ?? []), ...Object.keys(account.settings)])]
  const secretNames = [...new Set([...(info?.secrets ?? []), ...account.secretsSet])]
  const [settings, setSettings] = useState<Record<string, string>>(() => ({ ...emptyValues(settingNames), ...account.settings }))
  const [secrets, setSecrets] = useState<Record<string, string>>({})
  const [replacing, setReplacing] = useState<ReadonlySet<string>>(new Set())
  const save = useMutation({
    mutationFn: () => {
      const changedSettings = settingsChange(account.settings, settings)
      const newSecrets = filled(secrets)
      return api.updateChannelAccount(ctx, account.id, {
        ...(Object.keys(changedSettings).length === 0 ? {} : { settings: changedSettings }),
        ...(Object.keys(newSecrets).length === 0 ? {} : { secrets: newSecrets }),
      })
    },
    onSuccess: () => { void client.invalidateQueries({ queryKey: key }); notice(`Saved "${account.name}".`); onDone() },
  })
  const submit = (e: FormEvent) => { e.preventDefault(); save.mutate() }
  return (
    <form className="stack account-editor" onSubmit={submit} aria-label={`Edit ${account.name}`}>
      {settingNames.length > 0 && (
        <fieldset className="fields">
          <legend>Settings</legend>
          <FieldInputs idPrefix={`${idPrefix}-s`} names={settingNames} values={settings} secret={false} onChange={(n, v) => setSettings((old) => ({ ...old, [n]: v }))} />
        </fieldset>
      )}
      {secretNames.length > 0 && (
        <fieldset className="fields">
          <legend>Secrets</legend>
          {secretNames.map((n) => {
            const set = account.secretsSet.includes(n)
            const inputId = `${idPrefix}-k-${n}`
            if (set && !replacing.has(n)) {
              return (
                <div key={n} className="field secret-set">
                  <span>{fieldLabel(n)} <code className="field-name">{n}</code></span>
                  <span className="inline"><Chip tone="pos">set</Chip>
                    <button type="button" onClick={() => setReplacing((old) => new Set(old).add(n))}>Replace<span className="sr-only"> {fieldLabel(n)}</span></button>
                  </span>
                </div>
              )
            }
            return (
              <div key={n} className="field">
                <label htmlFor={inputId}>{set ? `New ${fieldLabel(n).toLowerCase()}` : fieldLabel(n)} <code className="field-name">{n}</code></label>
                <input id={inputId} type="password" autoComplete="new-password" value={secrets[n] ?? ''} maxLength={8192} autoFocus={set}
                  onChange={(e) => setSecrets((old) => ({ ...old, [n]: e.target.value }))} />
              </div>
            )
          })}
        </fieldset>
      )}
      {save.isError && <p role="alert" className="error-text">{problemText(save.error)}</p>}
      <div className="inline">
        <button type="submit" className="primary" disabled={save.isPending}>Save changes</button>
        <button type="button" onClick={onDone}>Cancel</button>
      </div>
    </form>
  )
}

const healthTone = { ok: 'pos', error: 'neg', unknown: 'neutral' } as const

function AccountItem({ account, info }: { account: ChannelAccount; info: ChannelInfo | undefined }) {
  const ctx = useApi()
  const client = useQueryClient()
  const notice = useNotice()
  const key = useAccountsKey()
  const [editing, setEditing] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const [tested, setTested] = useState<ConnectionTest | null>(null)
  const refresh = () => client.invalidateQueries({ queryKey: key })
  const fail = (e: unknown) => setProblem(problemText(e))
  // the checkbox shows the wanted state at once (set in the same event), until the saved state is back
  const [enabledWanted, setEnabledWanted] = useState<boolean | null>(null)
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => api.updateChannelAccount(ctx, account.id, { enabled }),
    onMutate: () => setProblem(null),
    onError: fail,
    onSettled: async () => { await refresh(); setEnabledWanted(null) },
  })
  const enabledShown = enabledWanted ?? account.enabled
  const remove = useMutation({
    mutationFn: () => api.deleteChannelAccount(ctx, account.id),
    onMutate: () => setProblem(null),
    onSuccess: () => { notice(`Disconnected "${account.name}".`); void refresh() },
    onError: fail,
  })
  const test = useMutation({
    mutationFn: () => api.testChannelAccount(ctx, account.id),
    onMutate: () => { setProblem(null); setTested(null) },
    onSuccess: (r) => { setTested(r); void refresh() },
    onError: fail,
  })
  const caps = account.capabilities
  const titleId = `account-${account.id}`
  return (
    <li className={`account card${account.enabled ? '' : ' disabled'}`} data-account={account.name} aria-labelledby={titleId}>
      <div className="account-head">
        <h3 id={titleId}>{account.name}</h3>
        <span className="chan">{info?.label ?? account.channel}</span>
        <Chip tone={healthTone[account.health]} title="Health from the last connection test or send">health: {account.health}</Chip>
        {!account.enabled && <Chip tone="warn">disabled</Chip>}
      </div>
      {account.lastError !== null && <p className="error-text account-error">Last error: {account.lastError}</p>}
      <ul className="chips" aria-label="Capabilities">
        {caps.webhook && <li><Chip tone="info">webhook</Chip></li>}
        {caps.source && <li><Chip tone="info">source</Chip></li>}
        {caps.send.map((s) => <li key={s}><Chip tone="info">{s}</Chip></li>)}
        {caps.testConnection && <li><Chip tone="info">test connection</Chip></li>}
        {!caps.webhook && !caps.source && caps.send.length === 0 && <li><Chip>no capabilities yet</Chip></li>}
      </ul>
      <WebhookUrl account={account} />
      {!editing && Object.keys(account.settings).length + account.secretsSet.length > 0 && (
        <dl className="account-fields">
          {Object.entries(account.settings).map(([k, v]) => <div key={k}><dt>{fieldLabel(k)}</dt><dd className="mono">{v}</dd></div>)}
          {account.secretsSet.map((k) => <div key={k}><dt>{fieldLabel(k)}</dt><dd>set</dd></div>)}
        </dl>
      )}
      {editing && <AccountEditor account={account} info={info} onDone={() => setEditing(false)} />}
      <div className="account-actions">
        <label className="check">
          <input type="checkbox" checked={enabledShown} disabled={toggle.isPending}
            onChange={(e) => { setEnabledWanted(e.target.checked); toggle.mutate(e.target.checked) }} /> Enabled
        </label>
        {caps.testConnection && (
          <button type="button" disabled={test.isPending} onClick={() => test.mutate()}>
            {test.isPending ? 'Testing…' : 'Test connection'}<span className="sr-only"> of {account.name}</span>
          </button>
        )}
        {!editing && <button type="button" onClick={() => setEditing(true)}>Edit<span className="sr-only"> {account.name}</span></button>}
        <button type="button" className="danger" disabled={remove.isPending}
          onClick={() => { if (window.confirm(`Disconnect "${account.name}"? Its conversations stay.`)) remove.mutate() }}>
          Delete<span className="sr-only"> {account.name}</span>
        </button>
      </div>
      <div aria-live="polite" className="account-status">
        {tested !== null && <p className={tested.ok ? 'ok-text' : 'error-text'} data-test-result={tested.ok ? 'ok' : 'failed'}>{tested.ok ? '✓ Connection works' : '✗ Connection failed'}: {tested.detail}</p>}
        {problem !== null && <p role="alert" className="error-text">{problem}</p>}
      </div>
    </li>
  )
}

export function ChannelsPage() {
  const ctx = useApi()
  const key = useAccountsKey()
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => api.channels(ctx), staleTime: 300_000 })
  const accounts = useQuery({ queryKey: key, queryFn: () => api.channelAccounts(ctx) })
  const infoOf = (name: string) => channels.data?.items.find((c) => c.name === name)
  return (
    <main className="page channels" aria-labelledby="channels-title">
      <div className="page-head">
        <nav aria-label="Breadcrumb" className="crumbs"><Link to="/settings">Settings</Link> <span aria-hidden="true">›</span></nav>
        <h1 id="channels-title">Channels</h1>
        <p className="muted summary">The accounts this workspace listens and answers through. Changes need an admin token.</p>
      </div>
      <div className="channels-layout">
        {channels.isError ? <p role="alert" className="error-text">{problemText(channels.error)}</p>
          : channels.data === undefined ? <p className="muted">Loading channels…</p>
          : <ConnectForm channels={channels.data.items} />}
        <section aria-labelledby="accounts-title">
          <h2 id="accounts-title">Accounts{accounts.data !== undefined && ` (${accounts.data.items.length})`}</h2>
          {accounts.isError && <p role="alert" className="error-text">{problemText(accounts.error)}</p>}
          <ul className="accounts">{(accounts.data?.items ?? []).map((a) => <AccountItem key={a.id} account={a} info={infoOf(a.channel)} />)}</ul>
          {accounts.isSuccess && accounts.data.items.length === 0 && <p className="empty">No accounts connected yet.</p>}
        </section>
      </div>
    </main>
  )
}
