// Listening rules: list, create with live validation (the error points at its position) and a preview of
// what the query matches in recent traffic, enable/disable, delete.
import { useEffect, useState, type FormEvent } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { ApiError } from '../../api/client.ts'
import { api } from '../../api/endpoints.ts'
import { listeningTags, type ListeningRule, type ListeningTag, type RulePreview } from '../../api/types.ts'
import { Chip } from '../../components/Chip.tsx'
import { channelLabel } from '../../components/format.ts'
import { useNotice } from '../../components/Notice.tsx'
import { Link } from '../../router.tsx'
import { useApi } from '../auth/session.tsx'

const validateDelayMs = 300

type Check = { state: 'idle' | 'checking' } | { state: 'ok'; preview: RulePreview } | { state: 'invalid'; message: string; position: number | null }

/** Validates the query on the server as the user types (debounced) and previews its matches on recent traffic; the last answer wins. */
function useRuleCheck(query: string): Check {
  const ctx = useApi()
  const [check, setCheck] = useState<Check>({ state: 'idle' })
  useEffect(() => {
    if (query.trim() === '') { setCheck({ state: 'idle' }); return }
    let current = true
    setCheck({ state: 'checking' })
    const t = setTimeout(() => {
      api.previewRule(ctx, query).then(
        (preview) => { if (current) setCheck({ state: 'ok', preview }) },
        (e: unknown) => {
          if (!current) return
          const position = e instanceof ApiError && typeof e.details?.position === 'number' ? e.details.position : null
          setCheck({ state: 'invalid', message: e instanceof Error ? e.message : String(e), position })
        },
      )
    }, validateDelayMs)
    return () => { current = false; clearTimeout(t) }
  }, [query, ctx])
  return check
}

/** The query with the character at `position` marked, and a caret under it. */
function PositionPointer({ query, position }: { query: string; position: number }) {
  const at = Math.max(0, Math.min(position, query.length))
  return (
    <div className="pointer" aria-hidden="true">
      <code>{query.slice(0, at)}<mark className="at">{query.slice(at, at + 1) || ' '}</mark>{query.slice(at + 1)}</code>
      <code className="caret">{' '.repeat(at)}^</code>
    </div>
  )
}

function CreateRule() {
  const ctx = useApi()
  const client = useQueryClient()
  const notice = useNotice()
  const [name, setName] = useState('')
  const [query, setQuery] = useState('')
  const [tags, setTags] = useState<ListeningTag[]>(['brand'])
  const check = useRuleCheck(query)
  const create = useMutation({
    mutationFn: () => api.createRule(ctx, { name: name.trim(), query, tags, enabled: true }),
    onSuccess: (r) => {
      void client.invalidateQueries({ queryKey: ['rules', ctx.workspace] })
      notice(`Rule "${r.name}" created.`)
      setName(''); setQuery('')
    },
  })
  const submit = (e: FormEvent) => { e.preventDefault(); if (check.state !== 'invalid') create.mutate() }
  const toggleTag = (t: ListeningTag) => setTags((old) => (old.includes(t) ? old.filter((x) => x !== t) : [...old, t]))
  return (
    <form className="card stack create-rule" onSubmit={submit} aria-labelledby="create-title">
      <h2 id="create-title">New rule</h2>
      <label htmlFor="rule-name">Name</label>
      <input id="rule-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
      <label htmlFor="rule-query">Query</label>
      <input id="rule-query" className="mono" value={query} onChange={(e) => setQuery(e.target.value)} required maxLength={2000}
        spellCheck={false} autoComplete="off" aria-invalid={check.state === 'invalid'} aria-describedby="rule-check rule-help" />
      <p id="rule-help" className="hint">Words, "phrases", AND / OR / NOT (or -term), parentheses, #hashtag, @handle, lang:xx, channel:name, from:handle, prefix*.</p>
      <div id="rule-check" className="rule-check" aria-live="polite">
        {check.state === 'checking' && <span className="muted">Checking…</span>}
        {check.state === 'ok' && (
          <div className="preview-matches">
            <span className="ok-text">✓ Valid query</span>{' '}
            <span className="muted" data-testid="rule-preview">matches {check.preview.matched} of the last {check.preview.scanned} stored messages</span>
            {check.preview.examples.length > 0 && (
              <ul aria-label="Matching messages">
                {check.preview.examples.slice(0, 5).map((e) => (
                  <li key={e.messageId}><Link to={`/conversations/${encodeURIComponent(e.conversationId)}`}>{e.text}</Link> <span className="muted">{e.author ?? ''} · {channelLabel(e.channel)}</span></li>
                ))}
              </ul>
            )}
          </div>
        )}
        {check.state === 'invalid' && (
          <div className="invalid" role="alert">
            <span className="error-text">{check.message}</span>
            {check.position !== null && <PositionPointer query={query} position={check.position} />}
          </div>
        )}
      </div>
      <fieldset className="tags">
        <legend>Tags</legend>
        {listeningTags.map((t) => (
          <label key={t} className="check"><input type="checkbox" checked={tags.includes(t)} onChange={() => toggleTag(t)} /> {t}</label>
        ))}
      </fieldset>
      {create.isError && <p role="alert" className="error-text">{create.error.message}</p>}
      <button type="submit" className="primary" disabled={create.isPending || check.state === 'invalid' || check.state === 'checking'}>Create rule</button>
    </form>
  )
}

function RuleItem({ rule }: { rule: ListeningRule }) {
  const ctx = useApi()
  const client = useQueryClient()
  const notice = useNotice()
  const refresh = () => client.invalidateQueries({ queryKey: ['rules', ctx.workspace] })
  const toggle = useMutation({ mutationFn: () => api.updateRule(ctx, rule.id, { enabled: !rule.enabled }), onSettled: refresh, onError: (e) => notice(e.message, 'warn') })
  const remove = useMutation({ mutationFn: () => api.deleteRule(ctx, rule.id), onSettled: refresh, onSuccess: () => notice(`Rule "${rule.name}" deleted.`), onError: (e) => notice(e.message, 'warn') })
  return (
    <li className={`rule card${rule.enabled ? '' : ' disabled'}`}>
      <div className="rule-main">
        <h3>{rule.name}</h3>
        <code className="mono">{rule.query}</code>
        <div className="chips">{rule.tags.map((t) => <Chip key={t}>{t}</Chip>)}{!rule.enabled && <Chip tone="warn">disabled</Chip>}</div>
      </div>
      <div className="rule-actions">
        <label className="check">
          <input type="checkbox" checked={rule.enabled} disabled={toggle.isPending} onChange={() => toggle.mutate()} /> Enabled
        </label>
        <button type="button" className="danger" disabled={remove.isPending}
          onClick={() => { if (window.confirm(`Delete the rule "${rule.name}"?`)) remove.mutate() }}>
          Delete<span className="sr-only"> {rule.name}</span>
        </button>
      </div>
    </li>
  )
}

export function ListeningPage() {
  const ctx = useApi()
  const rules = useQuery({ queryKey: ['rules', ctx.workspace], queryFn: () => api.rules(ctx) })
  return (
    <main className="page listening" aria-labelledby="listening-title">
      <div className="page-head">
        <nav aria-label="Breadcrumb" className="crumbs"><Link to="/settings">Settings</Link> <span aria-hidden="true">›</span></nav>
        <h1 id="listening-title">Listening rules</h1>
        <p className="muted summary">Posts from open sources enter the inbox only when an enabled rule matches them.</p>
      </div>
      <div className="listening-layout">
        <CreateRule />
        <section aria-labelledby="rules-title">
          <h2 id="rules-title">Rules{rules.data !== undefined && ` (${rules.data.items.length})`}</h2>
          {rules.isError && <p role="alert" className="error-text">{rules.error.message}</p>}
          <ul className="rules">{(rules.data?.items ?? []).map((r) => <RuleItem key={r.id} rule={r} />)}</ul>
          {rules.isSuccess && rules.data.items.length === 0 && <p className="empty">No rules yet.</p>}
        </section>
      </div>
    </main>
  )
}
