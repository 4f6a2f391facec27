// `earshot bench routing`: routing decisions per second and their latency on a synthetic contact
// centre, then a discrete-event simulation comparing the skills router with plain round robin on the
// same arrivals (wait times, SLA attainment). Deterministic for a seed except for the timings.
import { nextBest } from './assign.ts'
import { percentile, round, summarize } from '../bench/stats.ts'
import { simulate, type DecisionKind, type RouterKind, type SimulationOutcome } from './simulate.ts'
import { buildContactCentre, generateArrivals, offeredRate } from './synthetic-centre.ts'

export interface RoutingBenchOptions {
  agents?: number
  queues?: number
  open?: number
  arrivals?: number
  seed?: number
  /** Offered load as a share of the available agents' capacity with skilled handling; default 0.85. */
  utilization?: number
  /** Pull decisions timed over the whole waiting backlog; default 100. */
  pulls?: number
}

export interface RouterFigures {
  handled: number
  unserved: number
  wait_mean_s: number | null
  wait_p90_s: number | null
  first_response_p90_s: number | null
  /** % of handled conversations whose first reply came within the first-response target of their band. */
  sla_attainment_pct: number | null
  handling_mean_s: number
  skill_matched_pct: number | null
  language_matched_pct: number | null
  overflowed: number
  sticky_hits: number
}

export interface RoutingBenchResult {
  agents: number
  queues: number
  open: number
  arrivals: number
  seed: number
  /** Arrival decisions (chooseQueue + chooseAgent) in the simulated stream. */
  decisions: number
  decisions_per_s: number
  decision_p50_us: number | null
  decision_p99_us: number | null
  /** Pull decisions (nextBest) over the open backlog. */
  pulls: number
  pull_backlog: number
  pulls_per_s: number
  pull_p50_us: number | null
  pull_p99_us: number | null
  arrivals_per_hour: number
  utilization_target: number
  skills: RouterFigures
  round_robin: RouterFigures
  /** Round robin ÷ skills for each figure (null when the skills figure is 0 or missing). */
  ratio: { wait_mean: number | null; wait_p90: number | null; first_response_p90: number | null; sla_attainment: number | null }
  wall_s: number
  /** Process CPU time (user + system) of the whole run: steadier than wall time on a busy machine. */
  cpu_s: number
  method: string
}

export const benchAgentsMax = 10_000
export const benchQueuesMax = 1_000
export const benchOpenMax = 1_000_000
export const benchArrivalsMax = 1_000_000

function checkInt(name: string, value: number, min: number, max: number): number {
  if (!(Number.isInteger(value) && value >= min && value <= max)) throw new RangeError(`${name} must be an integer within ${min}..${max}, got ${value}`)
  return value
}

function figures(o: SimulationOutcome): RouterFigures {
  const waits = summarize(o.waitsSeconds)
  const pct = (n: number, d: number): number | null => (d === 0 ? null : round((100 * n) / d, 1))
  return {
    handled: o.handled,
    unserved: o.unserved,
    wait_mean_s: round(waits.mean, 1),
    wait_p90_s: round(waits.p90, 1),
    first_response_p90_s: round(percentile(o.firstResponseSeconds, 90), 1),
    sla_attainment_pct: pct(o.slaMet, o.handled + o.unserved),
    handling_mean_s: round(o.handlingMeanSeconds, 1) ?? 0,
    skill_matched_pct: pct(o.skillMatched, o.handled),
    language_matched_pct: pct(o.languageMatched, o.languageKnown),
    overflowed: o.overflowed,
    sticky_hits: o.stickyHits,
  }
}

function ratioOf(rr: number | null, skills: number | null): number | null {
  if (rr === null || skills === null || skills === 0) return null
  return round(rr / skills, 2)
}

function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6
}

function nowNs(): bigint {
  return process.hrtime.bigint()
}

export function runRoutingBench(options: RoutingBenchOptions = {}): RoutingBenchResult {
  const wallStart = nowNs()
  const cpuStart = process.cpuUsage()
  const agents = checkInt('agents', options.agents ?? 200, 1, benchAgentsMax)
  const queues = checkInt('queues', options.queues ?? 50, 1, benchQueuesMax)
  const open = checkInt('open', options.open ?? 10_000, 0, benchOpenMax)
  const arrivalCount = checkInt('arrivals', options.arrivals ?? 10_000, 1, benchArrivalsMax)
  const seed = checkInt('seed', options.seed ?? 20260225, 0, 2 ** 31 - 1)
  const pulls = checkInt('pulls', options.pulls ?? 100, 0, 100_000)
  const utilization = options.utilization ?? 0.85
  if (!(utilization > 0 && utilization <= 2)) throw new RangeError(`utilization must be within (0, 2], got ${utilization}`)

  const centre = buildContactCentre({ agents, queues, open, seed })
  const rate = offeredRate(centre, utilization)
  const arrivals = generateArrivals(centre, { count: arrivalCount, seed, ratePerSecond: rate })

  // Skills router, timing every arrival decision and every pull decision inside the simulation.
  const latencies: Record<DecisionKind, number[]> = { arrival: [], overflow: [], pull: [] }
  const timeDecision = <T>(kind: DecisionKind, decide: () => T): T => {
    const t0 = nowNs()
    const result = decide()
    latencies[kind].push(Number(nowNs() - t0) / 1000)
    return result
  }
  const outcomes: Record<RouterKind, SimulationOutcome> = {
    skills: simulate(centre, arrivals, 'skills', { timeDecision }, seed),
    round_robin: simulate(centre, arrivals, 'round_robin', {}, seed),
  }

  // Pull mode over the whole open backlog: what an agent clicking "next" costs in a busy workspace.
  const pullLatencies: number[] = []
  const available = centre.agents.filter((a) => a.presence === 'online')
  for (let i = 0; i < pulls && available.length > 0; i++) {
    const agent = available[i % available.length]!
    const t0 = nowNs()
    nextBest(agent, centre.waiting, centre.queues, centre.start)
    pullLatencies.push(Number(nowNs() - t0) / 1000)
  }

  const decisionUs = latencies.arrival
  const decisionTotalUs = decisionUs.reduce((s, v) => s + v, 0)
  const pullTotalUs = pullLatencies.reduce((s, v) => s + v, 0)
  const skills = figures(outcomes.skills)
  const roundRobin = figures(outcomes.round_robin)
  return {
    agents, queues, open, arrivals: arrivalCount, seed,
    decisions: decisionUs.length,
    decisions_per_s: decisionTotalUs > 0 ? Math.round((decisionUs.length * 1e6) / decisionTotalUs) : 0,
    decision_p50_us: round(percentile(decisionUs, 50), 1),
    decision_p99_us: round(percentile(decisionUs, 99), 1),
    pulls: pullLatencies.length,
    pull_backlog: centre.waiting.length,
    pulls_per_s: pullTotalUs > 0 ? Math.round((pullLatencies.length * 1e6) / pullTotalUs) : 0,
    pull_p50_us: round(percentile(pullLatencies, 50), 1),
    pull_p99_us: round(percentile(pullLatencies, 99), 1),
    arrivals_per_hour: Math.round(rate * 3600),
    utilization_target: utilization,
    skills,
    round_robin: roundRobin,
    ratio: {
      wait_mean: ratioOf(roundRobin.wait_mean_s, skills.wait_mean_s),
      wait_p90: ratioOf(roundRobin.wait_p90_s, skills.wait_p90_s),
      first_response_p90: ratioOf(roundRobin.first_response_p90_s, skills.first_response_p90_s),
      sla_attainment: ratioOf(roundRobin.sla_attainment_pct, skills.sla_attainment_pct),
    },
    wall_s: round(Number(nowNs() - wallStart) / 1e9, 2) ?? 0,
    cpu_s: round(cpuSeconds(process.cpuUsage(cpuStart)), 2) ?? 0,
    method: [
      `synthetic centre (seed ${seed}): ${agents} agents (skills 1–5, 1–2 languages, capacity per channel kind, ~10 % not online, 30 % on shifts), ${queues} queues (VIP, topic × language rules, default), ${open} open conversations (agents about half busy, the rest waiting)`,
      `${arrivalCount} Poisson arrivals at ${Math.round(rate * 3600)}/h (${Math.round(utilization * 100)} % of available capacity with skilled handling); exponential base handling (public 6 min, DM 10 min, email 15 min)`,
      'handling × 1.25−0.075·level in the topic skill (×1.6 without it), ×1.8 when the agent does not speak the language; first reply at 30 % of handling',
      'skills: chooseQueue + chooseAgent on arrival, nextBest on each completion (3 heads per servable queue), overflow checked every 30 s; round robin: next available agent with room, one FIFO',
      'decision latency: process.hrtime around chooseQueue + chooseAgent of each arrival in the skills run; pull: nextBest over the whole waiting backlog',
    ].join('; '),
  }
}

function cell(value: number | null, unit = ''): string {
  return value === null ? '–' : `${value}${unit}`
}

/** The bench as a text table (the caller prints it). */
export function printRoutingBench(r: RoutingBenchResult): string {
  const rows: [string, string, string, string][] = [
    ['wait mean', cell(r.skills.wait_mean_s, ' s'), cell(r.round_robin.wait_mean_s, ' s'), cell(r.ratio.wait_mean, '×')],
    ['wait p90', cell(r.skills.wait_p90_s, ' s'), cell(r.round_robin.wait_p90_s, ' s'), cell(r.ratio.wait_p90, '×')],
    ['first reply p90', cell(r.skills.first_response_p90_s, ' s'), cell(r.round_robin.first_response_p90_s, ' s'), cell(r.ratio.first_response_p90, '×')],
    ['SLA attainment (first reply)', cell(r.skills.sla_attainment_pct, ' %'), cell(r.round_robin.sla_attainment_pct, ' %'), cell(r.ratio.sla_attainment, '×')],
    ['handling mean', cell(r.skills.handling_mean_s, ' s'), cell(r.round_robin.handling_mean_s, ' s'), cell(ratioOf(r.round_robin.handling_mean_s, r.skills.handling_mean_s), '×')],
    ['topic skill matched', cell(r.skills.skill_matched_pct, ' %'), cell(r.round_robin.skill_matched_pct, ' %'), ''],
    ['language matched', cell(r.skills.language_matched_pct, ' %'), cell(r.round_robin.language_matched_pct, ' %'), ''],
    ['handled / unserved', `${r.skills.handled} / ${r.skills.unserved}`, `${r.round_robin.handled} / ${r.round_robin.unserved}`, ''],
    ['overflowed / sticky', `${r.skills.overflowed} / ${r.skills.sticky_hits}`, '– / –', ''],
  ]
  const header: [string, string, string, string] = ['', 'skills router', 'round robin', 'rr ÷ skills']
  const widths = [0, 1, 2, 3].map((i) => Math.max(...[header, ...rows].map((row) => row[i]!.length)))
  const line = (row: readonly string[]): string => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()
  return [
    `routing bench: ${r.agents} agents, ${r.queues} queues, ${r.open} open, ${r.arrivals} arrivals (seed ${r.seed}), ${r.wall_s} s wall, ${r.cpu_s} s CPU`,
    `decisions (chooseQueue + chooseAgent): ${r.decisions_per_s.toLocaleString('en-US')}/s, p50 ${cell(r.decision_p50_us, ' µs')}, p99 ${cell(r.decision_p99_us, ' µs')}`,
    `pull (nextBest over ${r.pull_backlog} waiting): ${r.pulls_per_s.toLocaleString('en-US')}/s, p50 ${cell(r.pull_p50_us, ' µs')}, p99 ${cell(r.pull_p99_us, ' µs')}`,
    `simulation: ${r.arrivals_per_hour.toLocaleString('en-US')} arrivals/h at ${Math.round(r.utilization_target * 100)} % target load`,
    line(header),
    ...rows.map(line),
  ].join('\n')
}
