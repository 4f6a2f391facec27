// Canned responses: list, create, edit and delete the snippets agents get suggested in the composer.
// The body is previewed live with sample values (customer Maria Silva, the signed-in person as agent,
// the workspace as brand) and measured in graphemes against X, Bluesky and Mastodon; the server's
// refusals are shown next to the field they are about, with each problem.
import { useId, useMemo, useRef, useState, type FormEvent } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { ApiError } from '../../api/client.ts'
import { api } from '../../api/endpoints.ts'
import { intents, type CannedInput, type CannedResponse, type TemplateProblem } from '../../api/types.ts'
import { Chip } from '../../components/Chip.tsx'
import { channelLabel } from '../../components/format.ts'
import { useNotice } from '../../components/Notice.tsx'
import { useApi, useSession } from '../auth/session.tsx'
import { channelNames } from './conditions.ts'
import { settingsProblem } from './problem.ts'
import { SettingsHead } from './SettingsIndex.tsx'
import { cannedVariables, previewLimits, renderPreview, sampleValues } from './template.ts'

const emptyDraft: CannedInput = { title: '', body: '', language: 'en', channels: null, intents: [] }

/** A refusal split by the field it is about. */
interface FieldErrors { title?: string; language?: string; channels?: string; body?: TemplateProblem[]; form?: string }

function errorsOf(e: unknown): FieldErrors {
  if (e instanceof ApiError && e.code === 'INVALID_TEMPLATE') {
    const problems = Array.isArray(e.details?.problems) ? (e.details.problems as TemplateProblem[]) : [{ kind: 'invalid', detail: e.message }]
    return { body: problems }
  }
  if (e instanceof ApiError && e.code === 'CONFLICT') return { title: e.message }
  if (e instanceof ApiError && e.code === 'VALIDATION') {
    if (/\/language\b/.test(e.message)) return { language: `${e.message} (a BCP 47 tag such as en, fr or pt-BR)` }
    if (/\/title\b/.test(e.message)) return { title: e.message }
    if (/\/channels\b/.test(e.message)) return { channels: 'Tick at least one channel, or choose "Any channel".' }
    if (/\/body\b/.test(e.message)) return { body: [{ kind: 'invalid', detail: e.message }] }
  }
  return { form: settingsProblem(e) }
}

function useBrandName(): string {
  const ctx = useApi()
  const ws = useQuery({ queryKey: ['workspaces'], queryFn: () => api.workspaces(ctx), staleTime: 300_000 })
  return ws.data?.items.find((w) => w.slug === ctx.workspace)?.name ?? ctx.workspace
}

function PreviewBox({ body }: { body: string }) {
  const { info } = useSession()
  const brand = useBrandName()
  const preview = useMemo(() => renderPreview(body, sampleValues(info?.name ?? null, brand)), [body, info?.name, brand])
  return (
    <section className="canned-preview" aria-labelledby="preview-title" data-preview>
      <h3 id="preview-title">Preview <span className="muted">for Maria Silva, from {info?.name ?? 'you'}, {brand}</span></h3>
      <p className="preview-text" data-preview-text>{body.trim() === '' ? <span className="muted">The reply appears here as you type.</span> : preview.text}</p>
      <ul className="limits" aria-label="Length against the platforms' limits">
        {previewLimits.map((l) => {
          const over = preview.graphemes > l.limit
          return (
            <li key={l.channel} className={over ? 'over' : ''} data-limit={l.channel}>
              {l.label}: <strong>{preview.graphemes}</strong> / {l.limit}{over && <span> — {preview.graphemes - l.limit} too many</span>}
            </li>
          )
        })}
      </ul>
      {preview.problems.length > 0 && (
        <ul className="preview-problems" aria-live="polite">{preview.problems.map((p) => <li key={p}>{p}</li>)}</ul>
      )}
    </section>
  )
}

function CannedForm({ editing, onDone }: { editing: CannedResponse | null; onDone: () => void }) {
  const ctx = useApi()
  const client = useQueryClient()
  const notice = useNotice()
  const idp = useId()
  const bodyRef = useRef<HTMLTextAreaElement>(null)
  const [draft, setDraft] = useState<CannedInput>(() => (editing === null ? emptyDraft : {
    title: editing.title, body: editing.body, language: editing.language, channels: editing.channels, intents: editing.intents,
  }))
  const [errors, setErrors] = useState<FieldErrors>({})
  const set = (change: Partial<CannedInput>) => setDraft((d) => ({ ...d, ...change }))
  const save = useMutation({
    mutationFn: () => {
      const input = { ...draft, title: draft.title.trim(), language: draft.language.trim() }
      return editing === null ? api.createCanned(ctx, input) : api.updateCanned(ctx, editing.id, input)
    },
    onMutate: () => setErrors({}),
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: ['canned', ctx.workspace] })
      notice(editing === null ? `Canned response "${saved.title}" created.` : `Saved "${saved.title}".`)
      if (editing === null) setDraft(emptyDraft)
      else onDone()
    },
    onError: (e) => setErrors(errorsOf(e)),
  })
  const submit = (e: FormEvent) => { e.preventDefault(); save.mutate() }
  const toggle = <T extends string>(list: T[], v: T): T[] => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v])
  const insert = (name: string) => {
    const el = bodyRef.current
    const token = `{{${name}}}`
    const at = el?.selectionStart ?? draft.body.length
    const end = el?.selectionEnd ?? at
    set({ body: draft.body.slice(0, at) + token + draft.body.slice(end) })
    requestAnimationFrame(() => { el?.focus(); el?.setSelectionRange(at + token.length, at + token.length) })
  }
  const chosen = draft.channels ?? []
  return (
    <form className="card stack settings-form canned-form" onSubmit={submit} aria-labelledby={`${idp}-title`} noValidate>
      <h2 id={`${idp}-title`}>{editing === null ? 'New canned response' : `Edit "${editing.title}"`}</h2>
      <label htmlFor={`${idp}-t`}>Title</label>
      <input id={`${idp}-t`} value={draft.title} onChange={(e) => set({ title: e.target.value })} required maxLength={120}
        aria-invalid={errors.title !== undefined} aria-describedby={errors.title === undefined ? undefined : `${idp}-t-err`} />
      {errors.title !== undefined && <p id={`${idp}-t-err`} role="alert" className="error-text field-error">{errors.title}</p>}
      <label htmlFor={`${idp}-l`}>Language</label>
      <input id={`${idp}-l`} className="short" value={draft.language} onChange={(e) => set({ language: e.target.value })} required maxLength={35}
        spellCheck={false} aria-invalid={errors.language !== undefined} aria-describedby={`${idp}-l-help${errors.language === undefined ? '' : ` ${idp}-l-err`}`} />
      <p id={`${idp}-l-help`} className="hint">A language tag: en, fr, es, pt-BR…</p>
      {errors.language !== undefined && <p id={`${idp}-l-err`} role="alert" className="error-text field-error">{errors.language}</p>}
      <fieldset className="choices">
        <legend>Channels</legend>
        <label className="check"><input type="radio" name={`${idp}-ch`} checked={draft.channels === null} onChange={() => set({ channels: null })} /> Any channel</label>
        <label className="check"><input type="radio" name={`${idp}-ch`} checked={draft.channels !== null} onChange={() => set({ channels: chosen.length > 0 ? chosen : ['x-twitter'] })} /> Only these:</label>
        {draft.channels !== null && (
          <div className="check-grid">
            {channelNames.map((c) => (
              <label key={c} className="check"><input type="checkbox" checked={chosen.includes(c)} onChange={() => set({ channels: toggle(chosen, c) })} /> {channelLabel(c)}</label>
            ))}
          </div>
        )}
        {errors.channels !== undefined && <p role="alert" className="error-text field-error">{errors.channels}</p>}
      </fieldset>
      <fieldset className="choices">
        <legend>Intents <span className="hint">(none ticked: any intent)</span></legend>
        <div className="check-grid">
          {intents.map((i) => <label key={i} className="check"><input type="checkbox" checked={draft.intents.includes(i)} onChange={() => set({ intents: toggle(draft.intents, i) })} /> {i}</label>)}
        </div>
      </fieldset>
      <label htmlFor={`${idp}-b`}>Body</label>
      <textarea id={`${idp}-b`} ref={bodyRef} rows={5} value={draft.body} onChange={(e) => set({ body: e.target.value })} required maxLength={5000}
        aria-invalid={errors.body !== undefined} aria-describedby={`${idp}-vars${errors.body === undefined ? '' : ` ${idp}-b-err`}`} />
      {errors.body !== undefined && (
        <div id={`${idp}-b-err`} role="alert" className="error-text field-error" data-field-error="body">
          <p>The server refused this body:</p>
          <ul>{errors.body.map((p, i) => <li key={i} data-problem={p.kind}>{p.detail}</li>)}</ul>
        </div>
      )}
      <div id={`${idp}-vars`} className="variables">
        <span className="hint">Insert a variable ({'{{name | fallback}}'} when it may be missing):</span>
        <ul className="chips">
          {cannedVariables.map((v) => <li key={v}><button type="button" className="var" onClick={() => insert(v)}><code>{`{{${v}}}`}</code></button></li>)}
        </ul>
      </div>
      <PreviewBox body={draft.body} />
      {errors.form !== undefined && <p role="alert" className="error-text">{errors.form}</p>}
      <div className="inline">
        <button type="submit" className="primary" disabled={save.isPending}>{editing === null ? 'Create canned response' : 'Save changes'}</button>
        {editing !== null && <button type="button" onClick={onDone}>Cancel</button>}
      </div>
    </form>
  )
}

function CannedItem({ c, onEdit, editing }: { c: CannedResponse; onEdit: () => void; editing: boolean }) {
  const ctx = useApi()
  const client = useQueryClient()
  const notice = useNotice()
  const [problem, setProblem] = useState<string | null>(null)
  const remove = useMutation({
    mutationFn: () => api.deleteCanned(ctx, c.id),
    onMutate: () => setProblem(null),
    onSuccess: () => { notice(`Deleted "${c.title}".`); void client.invalidateQueries({ queryKey: ['canned', ctx.workspace] }) },
    onError: (e) => setProblem(settingsProblem(e)),
  })
  return (
    <li className={`card canned-item${editing ? ' selected' : ''}`} data-canned={c.title}>
      <div className="item-head">
        <h3>{c.title}</h3>
        <Chip tone="info">{c.language}</Chip>
      </div>
      <p className="canned-body">{c.body}</p>
      <div className="chips">
        {c.channels === null ? <Chip>any channel</Chip> : c.channels.map((ch) => <Chip key={ch}>{channelLabel(ch)}</Chip>)}
        {c.intents.length === 0 ? <Chip>any intent</Chip> : c.intents.map((i) => <Chip key={i} tone="warn">{i}</Chip>)}
      </div>
      <div className="inline">
        <button type="button" onClick={onEdit} disabled={editing}>Edit<span className="sr-only"> {c.title}</span></button>
        <button type="button" className="danger" disabled={remove.isPending}
          onClick={() => { if (window.confirm(`Delete the canned response "${c.title}"?`)) remove.mutate() }}>
          Delete<span className="sr-only"> {c.title}</span>
        </button>
      </div>
      {problem !== null && <p role="alert" className="error-text">{problem}</p>}
    </li>
  )
}

export function CannedPage() {
  const ctx = useApi()
  const list = useQuery({ queryKey: ['canned', ctx.workspace], queryFn: () => api.cannedResponses(ctx) })
  const [editingId, setEditingId] = useState<string | null>(null)
  const editing = list.data?.items.find((c) => c.id === editingId) ?? null
  const items = [...(list.data?.items ?? [])].sort((a, b) => a.language.localeCompare(b.language) || a.title.localeCompare(b.title))
  return (
    <main className="page settings settings-canned" aria-labelledby="canned-title">
      <SettingsHead id="canned-title" title="Canned responses" summary="Saved replies agents get suggested in the composer, by intent, language and channel." />
      <div className="settings-layout">
        <CannedForm key={editingId ?? 'new'} editing={editing} onDone={() => setEditingId(null)} />
        <section aria-labelledby="canned-list-title">
          <h2 id="canned-list-title">Responses{list.data !== undefined && ` (${list.data.items.length})`}</h2>
          {list.isError && <p role="alert" className="error-text">{settingsProblem(list.error)}</p>}
          {list.isPending && <p className="muted">Loading…</p>}
          <ul className="settings-list">{items.map((c) => <CannedItem key={c.id} c={c} editing={c.id === editingId} onEdit={() => { setEditingId(c.id); window.scrollTo(0, 0) }} />)}</ul>
          {list.isSuccess && items.length === 0 && <p className="empty">No canned responses yet.</p>}
        </section>
      </div>
    </main>
  )
}
