// A uPlot time chart sized to its container (1280 px wall or 375 px phone), with the numbers
// also available as a table for screen readers and keyboard users.
import { useEffect, useRef, type ReactNode } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

export interface ChartSeries {
  label: string
  color: string
  values: number[]
  kind: 'line' | 'bars'
}

const heightPx = 220
const widthPxMin = 260

function showLastHour(u: uPlot): void {
  const last = u.data[0].length - 1
  if (last >= 0) u.setLegend({ idx: last })
}

function optionsFor(series: ChartSeries[], widthPx: number): uPlot.Options {
  const bars = uPlot.paths.bars?.({ size: [0.7, 28] })
  return {
    width: widthPx,
    height: heightPx,
    cursor: { drag: { x: false, y: false } },
    legend: { live: true },
    // when the pointer is not over the chart, the legend shows the last hour instead of "--"
    hooks: { setCursor: [(u) => { if (u.cursor.idx == null) showLastHour(u) }] },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.15))] } },
    axes: [
      { stroke: '#4f5a69', grid: { stroke: '#e3e7ee' }, ticks: { stroke: '#d5dbe3' } },
      { stroke: '#4f5a69', grid: { stroke: '#e3e7ee' }, ticks: { stroke: '#d5dbe3' }, size: 40, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] },
    ],
    series: [
      { label: 'Hour ending' },
      ...series.map((s): uPlot.Series => (s.kind === 'bars'
        ? { label: s.label, stroke: s.color, fill: `${s.color}cc`, width: 0, paths: bars, points: { show: false } }
        : { label: s.label, stroke: s.color, width: 2, points: { size: 5 } })),
    ],
  }
}

export function TimeChart({ id, title, description, hours, series, table }: {
  id: string
  title: string
  description: string
  /** Bucket ends, as ISO strings: the x axis. */
  hours: string[]
  series: ChartSeries[]
  table: ReactNode
}) {
  const box = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | null>(null)
  const data: uPlot.AlignedData = [hours.map((h) => Date.parse(h) / 1000), ...series.map((s) => s.values)]
  const shape = series.map((s) => `${s.label}:${s.kind}:${s.color}`).join('|')

  useEffect(() => {
    const el = box.current
    if (el === null) return
    const width = () => Math.max(widthPxMin, el.clientWidth)
    const u = new uPlot(optionsFor(series, width()), data, el)
    showLastHour(u)
    plot.current = u
    const resize = new ResizeObserver(() => u.setSize({ width: width(), height: heightPx }))
    resize.observe(el)
    return () => { resize.disconnect(); u.destroy(); plot.current = null }
    // the chart is rebuilt only when its series change; new numbers go through setData below
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape])

  const dataKey = JSON.stringify(data)
  useEffect(() => {
    const u = plot.current
    if (u === null) return
    u.setData(data)
    if (u.cursor.idx == null) showLastHour(u)
  }, [dataKey]) // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <figure className="chart card" aria-labelledby={`${id}-title`}>
      <figcaption>
        <h2 id={`${id}-title`}>{title}</h2>
        <p className="hint">{description}</p>
      </figcaption>
      <div ref={box} className="chart-box" data-chart={id} aria-hidden="true" />
      <details className="chart-table">
        <summary>Show the numbers</summary>
        {table}
      </details>
    </figure>
  )
}
