// Routing settings: queues in rule order with their conditions in words (name, position, languages and
// SLA policy editable), agents with presence, languages, skills and capacity (editable by a supervisor),
// and the SLA policies with their targets per priority band.
import { useId, useState, type FormEvent } from 'react'
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../../api/endpoints.ts'
import { priorityBands, type AgentRouting, type Presence, type RoutingQueue, type SlaPolicyView, type SlaTargets } from '../../api/types.ts'
import { Chip } from '../../components/Chip.tsx'
import { useNotice } from '../../components/Notice.tsx'
import { useApi } from '../auth/session.tsx'
import { describeCondition } from './conditions.ts'
import { settingsProblem } from './problem.ts'
import { SettingsHead } from './SettingsIndex.tsx'

const presences: Presence[] = ['online', 'away', 'break', 'offline']
const splitList = (text: string) => text.split(',').map((s) => s.trim()).filter((s) => s !== '')

function QueueItem({ q, index, policies }: { q: RoutingQueue; index: number; policies: SlaPolicyView[] }) {
  const ctx = useApi()
  const client = useQueryClient()
  const notice = useNotice()
  const idp = useId()
  const [name, setName] = useState(q.name)
  const [position, setPosition] = useState(String(q.position))
  const [languages, setLanguages] = useState(q.languages.join(', '))
  const [slaPolicyId, setSlaPolicyId] = useState(q.slaPolicyId ?? '')
  const save = useMutation({
    mutationFn: () => api.updateQueue(ctx, q.id, { name: name.trim(), position: Number(position), languages: splitList(languages), slaPolicyId: slaPolicyId === '' ? null : slaPolicyId }),
    onSuccess: (saved) => { notice(`Queue "${saved.name}" saved.`); void client.invalidateQueries({ queryKey: ['routing-queues', ctx.workspace] }) },
  })
  const submit = (e: FormEvent) => { e.preventDefault(); save.mutate() }
  return (
    <li className="card queue-item" data-queue={q.name}>
      <div className="item-head">
        <span className="order" aria-hidden="true">{index + 1}</span>
        <h3>{q.name}</h3>
        {q.isDefault && <Chip tone="info">default</Chip>}
      </div>
      <p className="rule-words"><span className="muted">Takes conversations where</span> {q.conditions === null ? (q.isDefault ? 'no other queue matches' : 'always') : describeCondition(q.conditions)}
        {q.requiredSkills.length > 0 && <>; <span className="muted">needs</span> {q.requiredSkills.map((s) => `${s.name} ≥ ${s.levelMin}`).join(', ')}</>}
      </p>
      <form className="queue-form" onSubmit={submit} aria-label={`Edit queue ${q.name}`}>
        <div className="field"><label htmlFor={`${idp}-n`}>Name</label><input id={`${idp}-n`} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} /></div>
        <div className="field"><label htmlFor={`${idp}-p`}>Position</label><input id={`${idp}-p`} className="short" type="number" min={0} value={position} onChange={(e) => setPosition(e.target.value)} /></div>
        <div className="field"><label htmlFor={`${idp}-l`}>Languages</label><input id={`${idp}-l`} value={languages} onChange={(e) => setLanguages(e.target.value)} placeholder="any" spellCheck={false} /></div>
        <div className="field">
          <label htmlFor={`${idp}-s`}>SLA policy</label>
          <select id={`${idp}-s`} value={slaPolicyId} onChange={(e) => setSlaPolicyId(e.target.value)}>
            <option value="">none</option>
            {policies.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
        </div>
        <button type="submit" disabled={save.isPending}>Save<span className="sr-only"> queue {q.name}</span></button>
      </form>
      {save.isError && <p role="alert" className="error-text">{settingsProblem(save.error)}</p>}
    </li>
  )
}

function AgentItem({ a }: { a: AgentRouting }) {
  const ctx = useApi()
  const client = useQueryClient()
  const notice = useNotice()
  const idp = useId()
  const [presence, setPresence] = useState<Presence>(a.presence)
  const [languages, setLanguages] = useState(a.languages.join(', '))
  const [skills, setSkills] = useState(a.skills.map((s) => `${s.name}:${s.level}`).join(', '))
  const [capacity, setCapacity] = useState({ public: String(a.capacity.public), private: String(a.capacity.private), email: String(a.capacity.email) })
  const [problem, setProblem] = useState<string | null>(null)
  const save = useMutation({
    mutationFn: () => {
      const parsed = splitList(skills).map((s) => {
        const [skill = '', level = '1'] = s.split(':').map((x) => x.trim())
        return { name: skill, level: Number(level) }
      })
      const bad = parsed.find((s) => s.name === '' || !Number.isInteger(s.level) || s.level < 1 || s.level > 5)
      if (bad !== undefined) throw new Error(`Skills are name:level with a level of 1 to 5, e.g. "refunds:3" (got "${bad.name}:${bad.level}")`)
      return api.updateAgent(ctx, a.id, {
        presence, languages: splitList(languages), skills: parsed,
        capacity: { public: Number(capacity.public), private: Number(capacity.private), email: Number(capacity.email) },
      })
    },
    onMutate: () => setProblem(null),
    onSuccess: (saved) => {
      notice(`${saved.name} saved.`)
      client.setQueryData(['agent', ctx.workspace, a.id], saved)
    },
    onError: (e) => setProblem(settingsProblem(e)),
  })
  const submit = (e: FormEvent) => { e.preventDefault(); save.mutate() }
  const used = a.load.reduce((n, l) => n + l.units, 0)
  return (
    <li className="card agent-item" data-agent={a.name}>
      <div className="item-head">
        <span className={`presence-dot ${a.presence}`} aria-hidden="true" />
        <h3>{a.name}</h3>
        <span className="muted">{a.presence} · load {used}</span>
      </div>
      <form className="agent-form" onSubmit={submit} onChange={() => setProblem(null)} aria-label={`Routing settings of ${a.name}`}>
        <div className="field">
          <label htmlFor={`${idp}-pr`}>Presence</label>
          <select id={`${idp}-pr`} value={presence} onChange={(e) => setPresence(e.target.value as Presence)}>
            {presences.map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </div>
        <div className="field"><label htmlFor={`${idp}-l`}>Languages</label><input id={`${idp}-l`} value={languages} onChange={(e) => setLanguages(e.target.value)} placeholder="en, fr" spellCheck={false} /></div>
        <div className="field wide"><label htmlFor={`${idp}-s`}>Skills <span className="hint">name:level (1–5)</span></label><input id={`${idp}-s`} value={skills} onChange={(e) => setSkills(e.target.value)} placeholder="refunds:3, baggage:2" spellCheck={false} /></div>
        <fieldset className="capacity">
          <legend>Capacity</legend>
          {(['public', 'private', 'email'] as const).map((k) => (
            <label key={k}>{k} <input type="number" min={0} max={100} step={1} className="short" value={capacity[k]} onChange={(e) => setCapacity({ ...capacity, [k]: e.target.value })} /></label>
          ))}
        </fieldset>
        <button type="submit" disabled={save.isPending}>Save<span className="sr-only"> {a.name}</span></button>
      </form>
      {problem !== null && <p role="alert" className="error-text">{problem}</p>}
    </li>
  )
}

const minutes = (m: number | null) => (m === null ? '—' : m >= 1440 && m % 1440 === 0 ? `${m / 1440} d` : m >= 60 && m % 60 === 0 ? `${m / 60} h` : m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`)

function PolicyItem({ p }: { p: SlaPolicyView }) {
  const targets = p.policy.targets ?? {}
  return (
    <li className="card" data-policy={p.name}>
      <h3>{p.name}</h3>
      <p className="muted sla-note">{p.policy.calendar == null ? 'Around the clock' : 'In business hours'}{typeof p.policy.warningPercent === 'number' && ` · warns at ${p.policy.warningPercent}%`}</p>
      <div className="table-scroll">
        <table className="sla-table">
          <thead><tr><th scope="col">Band</th><th scope="col">First response</th><th scope="col">Next response</th><th scope="col">Resolution</th></tr></thead>
          <tbody>
            {priorityBands.map((b) => {
              const t: SlaTargets | undefined = targets[b]
              return <tr key={b}><th scope="row">{b}</th><td>{minutes(t?.firstResponseMinutes ?? null)}</td><td>{minutes(t?.nextResponseMinutes ?? null)}</td><td>{minutes(t?.resolutionMinutes ?? null)}</td></tr>
            })}
          </tbody>
        </table>
      </div>
    </li>
  )
}

export function RoutingPage() {
  const ctx = useApi()
  const queues = useQuery({ queryKey: ['routing-queues', ctx.workspace], queryFn: () => api.routingQueues(ctx) })
  const policies = useQuery({ queryKey: ['sla-policies', ctx.workspace], queryFn: () => api.slaPolicies(ctx) })
  const agentList = useQuery({ queryKey: ['agents', ctx.workspace], queryFn: () => api.agents(ctx), staleTime: 60_000 })
  const agents = useQueries({ queries: (agentList.data?.items ?? []).map((a) => ({ queryKey: ['agent', ctx.workspace, a.id], queryFn: () => api.agent(ctx, a.id) })) })
  const ordered = [...(queues.data?.items ?? [])].sort((a, b) => a.position - b.position)
  const policyList = policies.data?.items ?? []
  return (
    <main className="page settings routing" aria-labelledby="routing-title">
      <SettingsHead id="routing-title" title="Routing" summary="A new conversation goes to the first queue whose rule matches, then to the best available agent." />
      <div className="routing-layout">
        <section aria-labelledby="queues-title">
          <h2 id="queues-title">Queues{queues.data !== undefined && ` (${ordered.length})`}</h2>
          {queues.isError && <p role="alert" className="error-text">{settingsProblem(queues.error)}</p>}
          <ol className="settings-list">{policies.isSuccess && ordered.map((q, i) => <QueueItem key={`${q.id}-${q.name}-${q.position}-${q.slaPolicyId}-${q.languages.join()}`} q={q} index={i} policies={policyList} />)}</ol>
        </section>
        <section aria-labelledby="agents-title">
          <h2 id="agents-title">Agents{agentList.data !== undefined && ` (${agentList.data.items.length})`}</h2>
          {agentList.isError && <p role="alert" className="error-text">{settingsProblem(agentList.error)}</p>}
          <ul className="settings-list">{agents.map((q, i) => (q.data === undefined ? <li key={i} className="muted">{q.isError ? settingsProblem(q.error) : 'Loading…'}</li> : <AgentItem key={q.data.id} a={q.data} />))}</ul>
        </section>
        <section aria-labelledby="sla-title">
          <h2 id="sla-title">SLA policies{policies.data !== undefined && ` (${policyList.length})`}</h2>
          {policies.isError && <p role="alert" className="error-text">{settingsProblem(policies.error)}</p>}
          {policies.isSuccess && policyList.length === 0 && <p className="empty">No SLA policies yet (create them with POST /api/v1/sla-policies).</p>}
          <ul className="settings-list">{policyList.map((p) => <PolicyItem key={p.id} p={p} />)}</ul>
        </section>
      </div>
    </main>
  )
}
