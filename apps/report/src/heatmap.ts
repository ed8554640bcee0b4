import {color, interpolateBlues, scaleSequentialLog} from 'd3'
import {appendAll} from './deferred-markup.js'
import {fmtBytes, fmtInt, round, s, truncate} from './dom.js'
import type {AxisUnit, MatrixCell, ServiceMatrix} from './service-matrix.js'

export type HeatmapMetric = 'connections' | 'bytes'

export interface HeatmapOptions {
  /** Colour cells by connections (default) or, when flows were captured, by bytes. */
  metric?: HeatmapMetric
}

const CHAR = 6.6 // average glyph width of the 11px sans-serif labels
const LABEL_CHARS = 26
const GROUP_CHARS = 16
const BOLD_CHAR = 7.2 // the band labels are bold

/**
 * The clients × servers heatmap as an SVG element: rows are clients, columns servers, banded by
 * host when grouped by host, colour on a log scale with a legend, a `<title>` tooltip per cell.
 */
export function heatmapView(document: Document, sm: ServiceMatrix, opts: HeatmapOptions = {}): SVGSVGElement {
  const metric: HeatmapMetric = opts.metric === 'bytes' && sm.hasTraffic ? 'bytes' : 'connections'
  const n = Math.max(sm.rows.length, sm.cols.length, 1)
  const cell = Math.max(12, Math.min(30, Math.floor(720 / n)))
  const grouped = sm.level === 'process'
  const labelW = (units: AxisUnit[]): number => Math.ceil(Math.min(LABEL_CHARS, Math.max(4, ...units.map((u) => [...u.label].length))) * CHAR) + 10
  const groupBand = grouped ? Math.ceil(GROUP_CHARS * CHAR) + 12 : 0
  const left = groupBand + labelW(sm.rows) + 6
  const top = (grouped ? 22 : 0) + labelW(sm.cols) + 24
  const gridW = sm.cols.length * cell
  const gridH = sm.rows.length * cell
  const width = Math.max(left + gridW + 24, left + 400)
  const height = top + gridH + 72

  const max = metric === 'bytes' ? sm.maxBytes : sm.maxConnections
  const scale = scaleSequentialLog((t: number) => interpolateBlues(0.2 + 0.8 * t)).domain([1, Math.max(2, max)])
  const fill = (v: number): string => color(scale(Math.max(1, v)))!.formatHex()
  const fmt = metric === 'bytes' ? fmtBytes : fmtInt

  const svg = s(document, 'svg', {
    class: 'fm-matrix',
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `Service matrix, ${sm.rows.length} client rows by ${sm.cols.length} server columns`,
    'font-family': 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif',
    'font-size': 11,
  }) as SVGSVGElement
  svg.append(s(document, 'title', {}, `Service matrix: clients (rows) × servers (columns), colour by ${metric}`))
  svg.append(
    s(document, 'text', {class: 'axis-title', x: left + gridW / 2, y: 14, 'text-anchor': 'middle', 'font-weight': 600}, 'servers (listening side) →'),
    s(document, 'text', {class: 'axis-title', x: 4, y: top - 6, 'font-weight': 600}, 'clients ↓'),
  )

  const bands = s(document, 'g', {class: 'bands'})
  const rowLabels = s(document, 'g', {class: 'row-labels', 'text-anchor': 'end', fill: '#1f2933'})
  const colLabels = s(document, 'g', {class: 'col-labels', fill: '#1f2933'})
  svg.append(bands, rowLabels, colLabels)
  if (grouped) {
    groups(sm.rows).forEach((g, i) => {
      const y = top + g.start * cell
      const hgt = (g.end - g.start) * cell
      bands.append(
        s(document, 'rect', {class: 'band', x: 0, y, width: left + gridW, height: hgt, fill: i % 2 ? '#eef2f7' : '#f8f9fb'}),
        s(document, 'text', {class: 'group-label', 'font-weight': 600, fill: '#3a4a5c', x: 4, y: round(y + Math.min(hgt, cell) / 2 + 4)}, s(document, 'title', {}, g.name || 'other'), truncate(g.name || 'other', GROUP_CHARS)),
      )
    })
    groups(sm.cols).forEach((g, i) => {
      const x = left + g.start * cell
      const w = (g.end - g.start) * cell
      bands.append(
        s(document, 'rect', {class: 'band', x, y: 20, width: w, height: top - 20 + gridH, fill: i % 2 ? '#eef2f7' : '#f8f9fb'}),
        s(document, 'text', {class: 'group-label', 'font-weight': 600, fill: '#3a4a5c', x: round(x + 3), y: 32}, s(document, 'title', {}, g.name || 'other'), truncate(g.name || 'other', Math.max(1, Math.floor((w - 6) / BOLD_CHAR)))),
      )
    })
  }
  sm.rows.forEach((u, i) => {
    rowLabels.append(
      s(document, 'text', {id: u.id, class: 'row-label', 'data-r': i, x: left - 6, y: round(top + i * cell + cell / 2 + 4)}, s(document, 'title', {}, unitTitle(u, 'client')), truncate(u.label, LABEL_CHARS)),
    )
  })
  sm.cols.forEach((u, i) => {
    const x = round(left + i * cell + cell / 2 + 4)
    colLabels.append(
      s(document, 'text', {id: u.id, class: 'col-label', 'data-c': i, transform: `translate(${x},${top - 6}) rotate(-90)`}, s(document, 'title', {}, unitTitle(u, 'server')), truncate(u.label, LABEL_CHARS)),
    )
  })

  svg.append(s(document, 'rect', {class: 'grid', x: left, y: top, width: gridW, height: gridH, fill: '#ffffff', 'fill-opacity': 0.6, stroke: '#c9d1dc'}))
  const cells = s(document, 'g', {class: 'cells'})
  svg.append(cells)
  appendAll(document, cells, (function* () {
    for (const c of sm.cells) {
      const v = metric === 'bytes' ? (c.bytes ?? 0) : c.connections
      yield s(
        document,
        'rect',
        {class: 'cell', 'data-r': c.row, 'data-c': c.col, 'data-v': v, x: left + c.col * cell + 1, y: top + c.row * cell + 1, width: cell - 2, height: cell - 2, fill: metric === 'bytes' && c.bytes === null ? '#d9d9d9' : fill(v)},
        s(document, 'title', {}, cellTitle(sm.rows[c.row], sm.cols[c.col], c)),
      )
    }
  })())
  svg.append(legend(document, {x: left, y: top + gridH + 22, max, fill, fmt, metric}))
  return svg
}

function groups(units: AxisUnit[]): {name: string; start: number; end: number}[] {
  const out: {name: string; start: number; end: number}[] = []
  units.forEach((u, i) => {
    const last = out[out.length - 1]
    if (last && last.name === u.group) last.end = i + 1
    else out.push({name: u.group, start: i, end: i + 1})
  })
  return out
}

function place(u: AxisUnit): string {
  return u.group ? `${u.label} on ${u.group}` : u.label
}

function unitTitle(u: AxisUnit, side: string): string {
  const what = u.folded ? `${fmtInt(u.folded)} ${side}s folded together` : `${side} ${place(u)}`
  return `${what}: ${fmtInt(u.total)} connection${u.total === 1 ? '' : 's'}`
}

function cellTitle(row: AxisUnit, col: AxisUnit, c: MatrixCell): string {
  const lines = [`${place(row)} → ${place(col)}`, `${fmtInt(c.connections)} connection${c.connections === 1 ? '' : 's'} in ${fmtInt(c.entries)} matrix row${c.entries === 1 ? '' : 's'}`, c.ports.join(', ')]
  if (c.bytes !== null) lines.push(`${fmtBytes(c.bytes)} exchanged`)
  return lines.join('\n')
}

/** Swatches at a few round values of the log scale. */
function legend(document: Document, o: {x: number; y: number; max: number; fill: (v: number) => string; fmt: (n: number) => string; metric: string}): SVGElement {
  const max = Math.max(1, o.max)
  const values = [...new Set(Array.from({length: 6}, (_, i) => Math.round(max ** (i / 5))))]
  const g = s(document, 'g', {class: 'legend', transform: `translate(${o.x},${o.y})`})
  g.append(s(document, 'text', {x: 0, y: 0, 'font-weight': 600}, `${o.metric} per cell (log scale)`))
  values.forEach((v, i) => {
    g.append(
      s(document, 'rect', {x: i * 64, y: 8, width: 60, height: 12, fill: o.fill(v)}),
      s(document, 'text', {x: i * 64, y: 34}, o.metric === 'bytes' ? `≥ ${o.fmt(v)}` : `${i === values.length - 1 ? '' : '≥ '}${o.fmt(v)}`),
    )
  })
  return g
}
