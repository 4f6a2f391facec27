// Automations: when <event> if <condition> then <actions>, in order. The list toggles, reorders and
// deletes rules; the form builds a rule (a builder for "field op value" joined by AND, or raw JSON for
// anything else), dry-runs it on recent conversations before saving, and shows the server's refusal
// at the condition row or action it is about. "What rules did" lists the actions taken, with outcomes.
import { useId, useState, type FormEvent } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { ApiError } from '../../api/client.ts'
import { api } from '../../api/endpoints.ts'
import { automationEvents, statuses, type Automation, type AutomationAction, type AutomationDraft, type AutomationEvent, type Condition, type DryRunRow, type Status } from '../../api/types.ts'
import { Chip } from '../../components/Chip.tsx'
import { ago, useNow } from '../../components/format.ts'
import { useNotice } from '../../components/Notice.tsx'
import { Link } from '../../router.tsx'
import { useApi } from '../auth/session.tsx'
import { conditionToRows, describeCondition, emptyRow, fieldNames, fieldSpecs, fitRow, opLabel, opsFor, rowsToCondition, takesList, targetOfPath, valuesFor, type ConditionRow, type ErrorTarget } from './conditions.ts'
import { pathReason, settingsProblem } from './problem.ts'
import { SettingsHead } from './SettingsIndex.tsx'

const dryRunLimit = 500
const runsShown = 12
const eventLabels: Record<AutomationEvent, string> = { 'message.created': 'a customer message arrives', 'conversation.updated': 'a conversation is updated' }

type ActionType = AutomationAction['type']
const actionLabels: Record<ActionType, string> = {
  add_tag: 'Add tag', set_queue: 'Move to queue', set_status: 'Set status', set_priority_override: 'Set priority', assign: 'Assign to', hide: 'Hide the message',
}
const actionTypes = Object.keys(actionLabels) as ActionType[]

/** An action as typed in the form; `value` is the tag, queue id, status, score or agent id. */
interface ActionRow { type: ActionType; value: string }

function toAction(a: ActionRow): AutomationAction {
  switch (a.type) {
    case 'add_tag': return { type: a.type, tag: a.value.trim() }
    case 'set_queue': return { type: a.type, queueId: a.value }
    case 'set_status': return { type: a.type, status: a.value as Status }
    case 'set_priority_override': return { type: a.type, score: a.value.trim() === '' ? Number.NaN : Number(a.value) }
    case 'assign': return { type: a.type, agentId: a.value }
    case 'hide': return { type: a.type }
  }
}

/** A stored action back into the form's row. */
function fromAction(a: unknown): ActionRow {
  const o = (typeof a === 'object' && a !== null ? a : {}) as Record<string, unknown>
  const type = (actionTypes as readonly string[]).includes(String(o.type)) ? o.type as ActionType : 'add_tag'
  const value = type === 'add_tag' ? o.tag : type === 'set_queue' ? o.queueId : type === 'set_status' ? o.status : type === 'set_priority_override' ? o.score : type === 'assign' ? o.agentId : ''
  return { type, value: value === undefined || value === null ? '' : String(value) }
}

interface Names { queue: (id: string) => string; agent: (id: string) => string }

function useNames(): { names: Names; queues: { id: string; name: string }[]; agents: { id: string; name: string }[] } {
  const ctx = useApi()
  const queues = useQuery({ queryKey: ['routing-queues', ctx.workspace], queryFn: () => api.routingQueues(ctx) })
  const agents = useQuery({ queryKey: ['agents', ctx.workspace], queryFn: () => api.agents(ctx), staleTime: 60_000 })
  const q = queues.data?.items ?? []
  const a = agents.data?.items ?? []
  return {
    queues: q, agents: a,
    names: { queue: (id) => q.find((x) => x.id === id)?.name ?? id, agent: (id) => a.find((x) => x.id === id)?.name ?? id },
  }
}

function describeAction(a: unknown, names: Names): string {
  if (typeof a !== 'object' || a === null) return JSON.stringify(a)
  const x = a as Record<string, unknown>
  switch (x.type) {
    case 'add_tag': return `tag "${String(x.tag)}"`
    case 'set_queue': return `move to queue ${names.queue(String(x.queueId))}`
    case 'set_status': return `set status ${String(x.status)}`
    case 'set_priority_override': return `set priority ${String(x.score)}`
    case 'assign': return `assign to ${names.agent(String(x.agentId))}`
    case 'hide': return 'hide the message'
    default: return JSON.stringify(a)
  }
}

function ConditionRowEditor({ row, index, onChange, onRemove, error }: { row: ConditionRow; index: number; onChange: (r: ConditionRow) => void; onRemove: () => void; error: string | null }) {
  const idp = useId()
  const values = valuesFor(row.field)
  const list = takesList(row.op)
  return (
    <li className="cond-row" data-cond-row={index}>
      <div className="cond-controls cond-grid">
        <span className="cond-join" aria-hidden="true">{index === 0 ? 'If' : 'and'}</span>
        <label className="sr-only" htmlFor={`${idp}-f`}>Condition {index + 1} field</label>
        <select id={`${idp}-f`} value={row.field} onChange={(e) => onChange(fitRow({ ...row, field: e.target.value, value: '' }))}>
          {fieldNames.map((f) => <option key={f} value={f}>{fieldSpecs[f]!.label}</option>)}
        </select>
        <label className="sr-only" htmlFor={`${idp}-o`}>Condition {index + 1} operator</label>
        <select id={`${idp}-o`} value={row.op} onChange={(e) => onChange(fitRow({ ...row, op: e.target.value as ConditionRow['op'] }))}>
          {opsFor(row.field).map((op) => <option key={op} value={op}>{opLabel(row.field, op)}</option>)}
        </select>
        <label className="sr-only" htmlFor={`${idp}-v`}>Condition {index + 1} value{list ? ' (comma-separated)' : ''}</label>
        {values !== undefined && !list ? (
          <select id={`${idp}-v`} value={row.value} onChange={(e) => onChange({ ...row, value: e.target.value })}>
            {values.map((v) => <option key={v} value={v}>{v}</option>)}
          </select>
        ) : (
          <input id={`${idp}-v`} value={row.value} onChange={(e) => onChange({ ...row, value: e.target.value })} spellCheck={false}
            inputMode={fieldSpecs[row.field]?.kind === 'number' && !list ? 'numeric' : undefined}
            placeholder={list ? (values?.slice(0, 2).join(', ') ?? 'a, b') : ''} aria-invalid={error !== null} />
        )}
        <button type="button" className="icon" onClick={onRemove} aria-label={`Remove condition ${index + 1}`} title="Remove this condition">✕</button>
      </div>
      {list && values !== undefined && <p className="hint">Comma-separated: {values.join(', ')}</p>}
      {error !== null && <p role="alert" className="error-text field-error" data-field-error={`row-${index}`}>{error}</p>}
    </li>
  )
}

function ActionRowEditor({ row, index, onChange, onRemove, error, queues, agents }: {
  row: ActionRow; index: number; onChange: (r: ActionRow) => void; onRemove: () => void; error: string | null
  queues: { id: string; name: string }[]; agents: { id: string; name: string }[]
}) {
  const idp = useId()
  const pick = (type: ActionType) => onChange({
    type,
    value: type === 'set_queue' ? (queues[0]?.id ?? '') : type === 'assign' ? (agents[0]?.id ?? '') : type === 'set_status' ? 'resolved' : type === 'set_priority_override' ? '90' : '',
  })
  const valueLabel = `Action ${index + 1} ${row.type === 'add_tag' ? 'tag' : row.type === 'set_queue' ? 'queue' : row.type === 'assign' ? 'agent' : row.type === 'set_status' ? 'status' : 'priority (0–100)'}`
  return (
    <li className="cond-row" data-action-row={index}>
      <div className="cond-controls act-grid">
        <label className="sr-only" htmlFor={`${idp}-t`}>Action {index + 1}</label>
        <select id={`${idp}-t`} value={row.type} onChange={(e) => pick(e.target.value as ActionType)}>
          {actionTypes.map((t) => <option key={t} value={t}>{actionLabels[t]}</option>)}
        </select>
        {row.type !== 'hide' && <label className="sr-only" htmlFor={`${idp}-v`}>{valueLabel}</label>}
        {row.type === 'add_tag' && <input id={`${idp}-v`} value={row.value} onChange={(e) => onChange({ ...row, value: e.target.value })} placeholder="tag" spellCheck={false} aria-invalid={error !== null} />}
        {row.type === 'set_priority_override' && <input id={`${idp}-v`} className="short" type="number" min={0} max={100} value={row.value} onChange={(e) => onChange({ ...row, value: e.target.value })} aria-invalid={error !== null} />}
        {row.type === 'set_queue' && (
          <select id={`${idp}-v`} value={row.value} onChange={(e) => onChange({ ...row, value: e.target.value })}>
            {queues.map((q) => <option key={q.id} value={q.id}>{q.name}</option>)}
          </select>
        )}
        {row.type === 'assign' && (
          <select id={`${idp}-v`} value={row.value} onChange={(e) => onChange({ ...row, value: e.target.value })}>
            {agents.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          </select>
        )}
        {row.type === 'set_status' && (
          <select id={`${idp}-v`} value={row.value} onChange={(e) => onChange({ ...row, value: e.target.value })}>
            {statuses.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        )}
        <button type="button" className="icon" onClick={onRemove} aria-label={`Remove action ${index + 1}`} title="Remove this action">✕</button>
      </div>
      {error !== null && <p role="alert" className="error-text field-error" data-field-error={`action-${index}`}>{error}</p>}
    </li>
  )
}

type Refusal = { target: ErrorTarget; text: string } | null

function DryRunResult({ row }: { row: DryRunRow }) {
  return (
    <div className="dry-run" data-dry-run aria-live="polite">
      <p>
        Would match <strong data-matched>{row.matched}</strong> of the last <strong data-total>{row.total}</strong> conversations,
        would change <strong data-would-fire>{row.wouldFire}</strong>.
      </p>
      {row.examples.length > 0 && (
        <p className="examples">Examples: {row.examples.map((id, i) => <span key={id}>{i > 0 && ', '}<Link to={`/conversations/${encodeURIComponent(id)}`}>conversation {i + 1}</Link></span>)}</p>
      )}
    </div>
  )
}

/** `editing`: a saved rule loaded into the form (saved with PATCH); null: a new one. Remount (key) to switch. */
function RuleForm({ editing, onDone }: { editing: Automation | null; onDone: () => void }) {
  const ctx = useApi()
  const client = useQueryClient()
  const notice = useNotice()
  const idp = useId()
  const { queues, agents } = useNames()
  // a condition the builder cannot show (any/not, nesting) opens in the JSON editor
  const loadedRows = editing === null ? [emptyRow()] : editing.if === null ? [] : conditionToRows(editing.if)
  const [name, setName] = useState(editing?.name ?? '')
  const [when, setWhen] = useState<AutomationEvent>((editing?.when as AutomationEvent | undefined) ?? 'message.created')
  const [rows, setRows] = useState<ConditionRow[]>(loadedRows ?? [])
  const [raw, setRaw] = useState(loadedRows === null)
  const [rawText, setRawText] = useState(loadedRows === null ? JSON.stringify(editing?.if ?? null, null, 2) : '')
  const [actions, setActions] = useState<ActionRow[]>(editing === null ? [{ type: 'add_tag', value: '' }] : editing.then.map(fromAction))
  const [stop, setStop] = useState(editing?.stop ?? false)
  const [refusal, setRefusal] = useState<Refusal>(null)
  const [dry, setDry] = useState<DryRunRow | null>(null)

  /** The rule as the server gets it, or why it cannot be built (raw JSON that does not parse). */
  const build = (): { ok: true; draft: AutomationDraft } | { ok: false; text: string } => {
    let condition: Condition | null
    if (raw) {
      if (rawText.trim() === '') condition = null
      else {
        try { condition = JSON.parse(rawText) as Condition } catch (e) { return { ok: false, text: `Not JSON: ${(e as Error).message}` } }
      }
    } else condition = rowsToCondition(rows)
    return { ok: true, draft: { name: name.trim(), when, if: condition, then: actions.map(toAction), stop } }
  }
  const refuse = (e: unknown) => {
    const pr = pathReason(e)
    if (pr !== null) setRefusal({ target: targetOfPath(pr.path, rows.length, raw), text: `${pr.path}: ${pr.reason}` })
    else if (e instanceof ApiError && e.code === 'VALIDATION' && /\/name\b/.test(e.message)) setRefusal({ target: { at: 'name' }, text: e.message })
    else setRefusal({ target: { at: 'form' }, text: settingsProblem(e) })
  }
  const withDraft = (f: (d: AutomationDraft) => Promise<unknown>) => async () => {
    const b = build()
    if (!b.ok) throw new ApiError(400, 'INVALID_JSON', b.text, { path: '$.if', reason: b.text })
    return f(b.draft)
  }
  const dryRun = useMutation({
    mutationFn: withDraft(async (d) => (await api.dryRun(ctx, [{ ...d, name: d.name === '' ? 'draft' : d.name }], dryRunLimit)).items[0] ?? null),
    onMutate: () => { setRefusal(null); setDry(null) },
    onSuccess: (row) => setDry(row as DryRunRow | null),
    onError: refuse,
  })
  const create = useMutation({
    mutationFn: withDraft((d) => (editing === null ? api.createAutomation(ctx, d) : api.updateAutomation(ctx, editing.id, d))),
    onMutate: () => setRefusal(null),
    onSuccess: (r) => {
      notice(`Automation "${(r as Automation).name}" ${editing === null ? 'created' : 'saved'}.`)
      void client.invalidateQueries({ queryKey: ['automations', ctx.workspace] })
      setName(''); setRows([emptyRow()]); setRawText(''); setActions([{ type: 'add_tag', value: '' }]); setStop(false); setDry(null)
      if (editing !== null) onDone()
    },
    onError: refuse,
  })
  const submit = (e: FormEvent) => { e.preventDefault(); create.mutate() }
  const errorAt = (t: ErrorTarget): string | null => {
    if (refusal === null) return null
    const r = refusal.target
    if (r.at !== t.at) return null
    if ((r.at === 'row' || r.at === 'action') && 'index' in t && r.index !== t.index) return null
    return refusal.text
  }
  const switchRaw = () => {
    if (!raw) setRawText(JSON.stringify(rowsToCondition(rows), null, 2) ?? '')
    setRaw(!raw)
    setRefusal(null)
  }
  const nameError = errorAt({ at: 'name' })
  const ifError = errorAt({ at: 'if' })
  return (
    <form className="card stack settings-form rule-form" onSubmit={submit} aria-labelledby={`${idp}-title`} noValidate>
      <h2 id={`${idp}-title`}>{editing === null ? 'New automation' : `Edit "${editing.name}"`}</h2>
      <label htmlFor={`${idp}-n`}>Name</label>
      <input id={`${idp}-n`} value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required aria-invalid={nameError !== null} />
      {nameError !== null && <p role="alert" className="error-text field-error">{nameError}</p>}
      <label htmlFor={`${idp}-w`}>When</label>
      <select id={`${idp}-w`} value={when} onChange={(e) => setWhen(e.target.value as AutomationEvent)}>
        {automationEvents.map((w) => <option key={w} value={w}>{w}: {eventLabels[w]}</option>)}
      </select>
      {errorAt({ at: 'when' }) !== null && <p role="alert" className="error-text field-error">{errorAt({ at: 'when' })}</p>}
      <fieldset className="group">
        <legend>Condition</legend>
        <label className="check"><input type="checkbox" checked={raw} onChange={switchRaw} /> Advanced: write the condition as JSON</label>
        {raw ? (
          <>
            <label htmlFor={`${idp}-raw`}>Condition JSON <span className="hint">(empty: always)</span></label>
            <textarea id={`${idp}-raw`} className="mono" rows={6} value={rawText} onChange={(e) => setRawText(e.target.value)} spellCheck={false} aria-invalid={ifError !== null}
              aria-describedby={`${idp}-raw-help`} />
            <p id={`${idp}-raw-help`} className="hint">{'{"field": "intent", "op": "eq", "value": "complaint"}'}, combined with {'{"all": […]}'}, {'{"any": […]}'}, {'{"not": …}'}.</p>
          </>
        ) : (
          <>
            <ul className="cond-rows">
              {rows.map((r, i) => (
                <ConditionRowEditor key={i} row={r} index={i} error={errorAt({ at: 'row', index: i })}
                  onChange={(nr) => setRows(rows.map((x, j) => (j === i ? nr : x)))} onRemove={() => setRows(rows.filter((_, j) => j !== i))} />
              ))}
            </ul>
            {rows.length === 0 && <p className="hint">No condition: the rule applies to every {when === 'message.created' ? 'new message' : 'update'}.</p>}
            <button type="button" onClick={() => setRows([...rows, emptyRow()])}>{rows.length === 0 ? 'Add a condition' : 'Add a condition (AND)'}</button>
          </>
        )}
        {ifError !== null && <p role="alert" className="error-text field-error" data-field-error="if">{ifError}</p>}
      </fieldset>
      <fieldset className="group">
        <legend>Then</legend>
        <ul className="cond-rows">
          {actions.map((a, i) => (
            <ActionRowEditor key={i} row={a} index={i} error={errorAt({ at: 'action', index: i })} queues={queues} agents={agents}
              onChange={(na) => setActions(actions.map((x, j) => (j === i ? na : x)))} onRemove={() => setActions(actions.filter((_, j) => j !== i))} />
          ))}
        </ul>
        <button type="button" onClick={() => setActions([...actions, { type: 'add_tag', value: '' }])}>Add an action</button>
        <label className="check"><input type="checkbox" checked={stop} onChange={(e) => setStop(e.target.checked)} /> Stop: later rules do not run when this one fired</label>
      </fieldset>
      {errorAt({ at: 'form' }) !== null && <p role="alert" className="error-text">{errorAt({ at: 'form' })}</p>}
      {errorAt({ at: 'stop' }) !== null && <p role="alert" className="error-text">{errorAt({ at: 'stop' })}</p>}
      {dry !== null && <DryRunResult row={dry} />}
      <div className="inline">
        <button type="button" disabled={dryRun.isPending} onClick={() => dryRun.mutate()}>{dryRun.isPending ? 'Trying…' : 'Dry run'}</button>
        <button type="submit" className="primary" disabled={create.isPending}>{editing === null ? 'Create automation' : 'Save changes'}</button>
        {editing !== null && <button type="button" onClick={onDone}>Cancel</button>}
      </div>
    </form>
  )
}

function RuleItem({ rule, index, rules, names, onEdit }: { rule: Automation; index: number; rules: Automation[]; names: Names; onEdit: () => void }) {
  const ctx = useApi()
  const client = useQueryClient()
  const notice = useNotice()
  const [problem, setProblem] = useState<string | null>(null)
  const [wanted, setWanted] = useState<boolean | null>(null)
  const refresh = () => client.invalidateQueries({ queryKey: ['automations', ctx.workspace] })
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => api.updateAutomation(ctx, rule.id, { enabled }),
    onMutate: () => setProblem(null),
    onError: (e) => setProblem(settingsProblem(e)),
    onSettled: async () => { await refresh(); setWanted(null) },
  })
  // positions are spaced by 10; a move renumbers the whole list in its new order
  const move = useMutation({
    mutationFn: async (by: -1 | 1) => {
      const order = [...rules]
      const [taken] = order.splice(index, 1)
      order.splice(index + by, 0, taken!)
      for (const [i, r] of order.entries()) {
        const position = (i + 1) * 10
        if (r.position !== position) await api.updateAutomation(ctx, r.id, { position })
      }
    },
    onMutate: () => setProblem(null),
    onError: (e) => setProblem(settingsProblem(e)),
    onSettled: refresh,
  })
  const remove = useMutation({
    mutationFn: () => api.deleteAutomation(ctx, rule.id),
    onSuccess: () => notice(`Automation "${rule.name}" deleted.`),
    onError: (e) => setProblem(settingsProblem(e)),
    onSettled: refresh,
  })
  const enabled = wanted ?? rule.enabled
  return (
    <li className={`card rule-item${rule.enabled ? '' : ' disabled'}`} data-automation={rule.name}>
      <div className="item-head">
        <span className="order"><span className="sr-only">Runs as number </span>{index + 1}</span>
        <h3>{rule.name}</h3>
        {!rule.enabled && <Chip tone="warn">disabled</Chip>}
        {rule.stop && <Chip tone="info">stops later rules</Chip>}
        {rule.problem !== null && <Chip tone="neg" title="the rule no longer validates and is skipped">{rule.problem}</Chip>}
      </div>
      <p className="rule-words">
        <span className="muted">When</span> {eventLabels[rule.when as AutomationEvent] ?? rule.when}
        {' '}<span className="muted">if</span> {describeCondition(rule.if, (f, v) => (f === 'queue' && typeof v === 'string' ? names.queue(v) : Array.isArray(v) ? v.join(', ') : String(v)))}
        {' '}<span className="muted">then</span> {rule.then.map((a) => describeAction(a, names)).join(', ')}
      </p>
      <div className="item-actions">
        <label className="check">
          <input type="checkbox" checked={enabled} disabled={toggle.isPending} onChange={(e) => { setWanted(e.target.checked); toggle.mutate(e.target.checked) }} />
          {' '}Enabled<span className="sr-only"> {rule.name}</span>
        </label>
        <button type="button" disabled={index === 0 || move.isPending} onClick={() => move.mutate(-1)}>↑ Up<span className="sr-only"> {rule.name}</span></button>
        <button type="button" disabled={index === rules.length - 1 || move.isPending} onClick={() => move.mutate(1)}>↓ Down<span className="sr-only"> {rule.name}</span></button>
        <button type="button" onClick={onEdit}>Edit<span className="sr-only"> {rule.name}</span></button>
        <button type="button" className="danger" disabled={remove.isPending}
          onClick={() => { if (window.confirm(`Delete the automation "${rule.name}"?`)) remove.mutate() }}>
          Delete<span className="sr-only"> {rule.name}</span>
        </button>
      </div>
      {problem !== null && <p role="alert" className="error-text">{problem}</p>}
    </li>
  )
}

function RunsList({ rules, names }: { rules: Automation[]; names: Names }) {
  const ctx = useApi()
  const now = useNow()
  const [ruleId, setRuleId] = useState<string>('')
  const [all, setAll] = useState(false)
  const runs = useQuery({ queryKey: ['automation-runs', ctx.workspace, ruleId], queryFn: () => api.automationRuns(ctx, ruleId === '' ? null : ruleId), refetchInterval: 15_000 })
  const ruleName = (id: string | null) => (id === null ? 'a deleted rule' : rules.find((r) => r.id === id)?.name ?? 'a deleted rule')
  return (
    <section aria-labelledby="runs-title" className="runs">
      <div className="section-head">
        <h2 id="runs-title">What rules did</h2>
        <label className="inline-label">Rule{' '}
          <select value={ruleId} onChange={(e) => setRuleId(e.target.value)}>
            <option value="">all rules</option>
            {rules.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
          </select>
        </label>
      </div>
      {runs.isError && <p role="alert" className="error-text">{settingsProblem(runs.error)}</p>}
      {runs.isSuccess && runs.data.items.length === 0 && <p className="empty">Nothing yet: rules act on new messages and updates.</p>}
      <ul className="runs-list">
        {(runs.data?.items ?? []).slice(0, all ? undefined : runsShown).map((r, i) => (
          <li key={`${r.conversationId}-${r.at}-${i}`}>
            <span className="run-what"><strong>{ruleName(r.ruleId)}</strong>: {describeAction(r.action, names)} <span className="muted">on {r.event}</span></span>
            <Chip tone={r.outcome === 'applied' || r.outcome === 'ok' ? 'pos' : 'warn'}>{r.outcome}</Chip>
            <Link to={`/conversations/${encodeURIComponent(r.conversationId)}`}>conversation</Link>
            <span className="muted">{ago(r.at, now)}</span>
          </li>
        ))}
      </ul>
      {!all && (runs.data?.items.length ?? 0) > runsShown && (
        <button type="button" className="more" onClick={() => setAll(true)}>Show all {runs.data!.items.length} recent actions</button>
      )}
    </section>
  )
}

export function AutomationsPage() {
  const ctx = useApi()
  const { names } = useNames()
  const list = useQuery({ queryKey: ['automations', ctx.workspace], queryFn: () => api.automations(ctx) })
  const rules = [...(list.data?.items ?? [])].sort((a, b) => a.position - b.position)
  const [editing, setEditing] = useState<Automation | null>(null)
  return (
    <main className="page settings automations" aria-labelledby="automations-title">
      <SettingsHead id="automations-title" title="Automations" summary="Rules run in this order after each new message or update, before routing; a rule with stop ends the run." />
      <div className="settings-layout">
        <RuleForm key={editing?.id ?? 'new'} editing={editing} onDone={() => setEditing(null)} />
        <div className="stack-lg">
          <section aria-labelledby="rules-title">
            <h2 id="rules-title">Rules{list.data !== undefined && ` (${rules.length})`}</h2>
            {list.isError && <p role="alert" className="error-text">{settingsProblem(list.error)}</p>}
            {list.isPending && <p className="muted">Loading…</p>}
            <ol className="settings-list">{rules.map((r, i) => <RuleItem key={r.id} rule={r} index={i} rules={rules} names={names} onEdit={() => { setEditing(r); window.scrollTo(0, 0) }} />)}</ol>
            {list.isSuccess && rules.length === 0 && <p className="empty">No automations yet.</p>}
          </section>
          <RunsList rules={rules} names={names} />
        </div>
      </div>
    </main>
  )
}
