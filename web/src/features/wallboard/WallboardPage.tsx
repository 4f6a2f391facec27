// The supervisor's wallboard: tiles (open, unassigned, waiting, longest wait, replies, CSAT today), queues,
// agents' load, and two charts over the last 24 hours. Live: stream events and a 30 s poll.
import { useQuery } from '@tanstack/react-query'
import { api } from '../../api/endpoints.ts'
import { statuses, type Wallboard } from '../../api/types.ts'
import { useApi } from '../auth/session.tsx'
import { formatWait, hourLabel, oneDecimal } from './format.ts'
import { pollMs, useWallboardLive, wallboardKey } from './live.ts'
import { TimeChart } from './TimeChart.tsx'

const colors = { negative: '#b3261e', neutral: '#6b7685', positive: '#1e7a45', outbound: '#1a56b8', inbound: '#8a5a00' }

function Tile({ label, value, detail, tone, testId }: { label: string; value: string; detail?: string; tone?: 'alert' | 'ok'; testId: string }) {
  return (
    <div className={`tile${tone === undefined ? '' : ` ${tone}`}`} data-tile={testId}>
      <dt>{label}</dt>
      <dd><span className="tile-value">{value}</span>{detail !== undefined && <span className="tile-detail">{detail}</span>}</dd>
    </div>
  )
}

function Tiles({ board }: { board: Wallboard }) {
  const t = board.totals
  const r = board.replies
  const c = board.csat
  return (
    <dl className="tiles" aria-label="Now">
      <Tile testId="open" label="Open conversations" value={String(t.open)} detail={`${t.byStatus.new} new · ${t.byStatus.open} open · ${t.byStatus.pending} pending`} />
      <Tile testId="unassigned" label="Unassigned" value={String(t.unassigned)} tone={t.unassigned > 0 ? 'alert' : undefined} />
      <Tile testId="waiting" label="Waiting for an answer" value={String(t.waiting)} />
      <Tile testId="longest-wait" label="Longest wait" value={formatWait(t.longestWaitSeconds)} tone={t.longestWaitSeconds !== null && t.longestWaitSeconds > 3600 ? 'alert' : undefined} />
      <Tile testId="sla" label="SLA at risk / breached" value={`${t.slaAtRisk} / ${t.slaBreached}`} detail="open conversations past the warning / the due time" tone={t.slaBreached > 0 ? 'alert' : undefined} />
      <Tile testId="replies" label="Replies sent (24 h)" value={String(r.sent)} detail={`${r.failed} failed · ${r.pending} sending${r.held > 0 ? ` · ${r.held} held` : ''}`} tone={r.failed > 0 ? 'alert' : undefined} />
      <Tile testId="inbound" label="Inbound, last hour" value={String(board.spike.lastHourInbound)} detail={`usual ${oneDecimal(board.spike.baselineMean)} ± ${oneDecimal(board.spike.baselineStddev)}`} tone={board.spike.flagged ? 'alert' : undefined} />
      <Tile testId="csat" label="CSAT today" value={c.csatPercent === null ? '–' : `${oneDecimal(c.csatPercent)} %`}
        detail={c.count === 0 ? 'no scores yet' : `${c.count} score${c.count === 1 ? '' : 's'} · average ${c.average?.toFixed(2) ?? '–'} / 5`}
        tone={c.csatPercent !== null && c.csatPercent < 70 ? 'alert' : undefined} />
    </dl>
  )
}

function SpikeBanner({ spike }: { spike: Wallboard['spike'] }) {
  if (!spike.flagged) return null
  return (
    <p className="spike" data-spike="true">
      <strong>Volume spike:</strong> {spike.lastHourInbound} customer messages in the last hour,{' '}
      {spike.baselineMean === 0 && spike.baselineStddev === 0
        ? 'after none in the 23 hours before.'
        : <>above the threshold of {oneDecimal(spike.threshold)} (mean {oneDecimal(spike.baselineMean)} + 3 × σ {oneDecimal(spike.baselineStddev)} over the 23 hours before).</>}
    </p>
  )
}

function QueuesTable({ board }: { board: Wallboard }) {
  return (
    <section className="card board-table" aria-labelledby="queues-title">
      <h2 id="queues-title">Queues</h2>
      {board.queues.length === 0 ? <p className="muted">No queues and nothing open.</p> : (
        <div className="table-scroll">
          <table>
            <thead><tr><th scope="col">Queue</th><th scope="col" className="num">Open</th><th scope="col" className="num">Unassigned</th><th scope="col" className="num">Waiting</th><th scope="col" className="num">Longest wait</th><th scope="col" className="num">SLA at risk</th><th scope="col" className="num">SLA breached</th></tr></thead>
            <tbody>
              {board.queues.map((q) => (
                <tr key={q.id ?? 'none'} data-queue={q.name}>
                  <th scope="row">{q.name}</th><td className="num">{q.open}</td><td className="num">{q.unassigned}</td><td className="num">{q.waiting}</td><td className="num">{formatWait(q.longestWaitSeconds)}</td><td className="num">{q.slaAtRisk}</td><td className={`num${q.slaBreached > 0 ? ' alert-text' : ''}`}>{q.slaBreached}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

function AgentsTable({ board }: { board: Wallboard }) {
  return (
    <section className="card board-table" aria-labelledby="agents-title">
      <h2 id="agents-title">Agents</h2>
      {board.agents.length === 0 ? <p className="muted">No agents in this workspace yet.</p> : (
        <div className="table-scroll">
          <table>
            <thead><tr><th scope="col">Agent</th><th scope="col" className="num">Assigned open</th></tr></thead>
            <tbody>
              {board.agents.map((a) => <tr key={a.id}><th scope="row">{a.name}</th><td className="num">{a.open}</td></tr>)}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

function HourTable({ board, columns }: { board: Wallboard; columns: { key: 'inbound' | 'negative' | 'neutral' | 'positive' | 'outbound'; label: string }[] }) {
  return (
    <div className="table-scroll">
      <table>
        <thead><tr><th scope="col">Hour ending</th>{columns.map((c) => <th key={c.key} scope="col" className="num">{c.label}</th>)}</tr></thead>
        <tbody>
          {board.hourly.map((h) => (
            <tr key={h.end}><th scope="row">{hourLabel(h.end)}</th>{columns.map((c) => <td key={c.key} className="num">{h[c.key]}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function Charts({ board }: { board: Wallboard }) {
  const hours = board.hourly.map((h) => h.end)
  const pick = (k: 'inbound' | 'negative' | 'neutral' | 'positive' | 'outbound') => board.hourly.map((h) => h[k])
  return (
    <div className="charts">
      <TimeChart id="volume" title="Customer messages by sentiment" description="Inbound messages per hour over the last 24 hours."
        hours={hours}
        series={[
          { label: 'Negative', color: colors.negative, values: pick('negative'), kind: 'line' },
          { label: 'Neutral', color: colors.neutral, values: pick('neutral'), kind: 'line' },
          { label: 'Positive', color: colors.positive, values: pick('positive'), kind: 'line' },
        ]}
        table={<HourTable board={board} columns={[{ key: 'inbound', label: 'All' }, { key: 'negative', label: 'Negative' }, { key: 'neutral', label: 'Neutral' }, { key: 'positive', label: 'Positive' }]} />}
      />
      <TimeChart id="replies" title="Replies" description="Outbound replies per hour, against customer messages."
        hours={hours}
        series={[
          { label: 'Replies', color: colors.outbound, values: pick('outbound'), kind: 'bars' },
          { label: 'Customer messages', color: colors.inbound, values: pick('inbound'), kind: 'line' },
        ]}
        table={<HourTable board={board} columns={[{ key: 'outbound', label: 'Replies' }, { key: 'inbound', label: 'Customer messages' }]} />}
      />
    </div>
  )
}

export function WallboardPage({ workspace }: { workspace: string }) {
  const ctx = useApi()
  useWallboardLive(workspace)
  const board = useQuery({ queryKey: wallboardKey(workspace), queryFn: () => api.wallboard(ctx), refetchInterval: pollMs, refetchIntervalInBackground: false })
  const data = board.data
  return (
    <main className="page wallboard" aria-labelledby="wallboard-title" aria-busy={board.isFetching}>
      <div className="page-head">
        <h1 id="wallboard-title">Wallboard</h1>
        {data !== undefined && <p className="muted summary">Updated {new Date(data.generatedAt).toLocaleTimeString()} · {statuses.map((s) => `${data.totals.byStatus[s]} ${s}`).join(' · ')}</p>}
      </div>
      {board.isError && <p role="alert" className="error-text">Could not load the wallboard: {board.error.message}</p>}
      {data === undefined ? (!board.isError && <p className="muted">Loading…</p>) : (
        <>
          <SpikeBanner spike={data.spike} />
          <Tiles board={data} />
          <Charts board={data} />
          <div className="board-tables">
            <QueuesTable board={data} />
            <AgentsTable board={data} />
          </div>
        </>
      )}
    </main>
  )
}
