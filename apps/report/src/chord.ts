import {arc, chordDirected, descending, pathRound, ribbonArrow, schemeTableau10, type Chord, type ChordGroup} from 'd3'
import {cmp} from '@fm/model'
import {fmtInt, h, round, s, stableId, truncate} from './dom.js'
import {foldTop} from './fold-top.js'
import {groupLabel} from './graph-dot.js'
import type {ReportData} from './report-data.js'

export interface ChordData {
  names: string[]
  ids: string[]
  /** `flows[i][j]`: connections from clients of service i to servers of service j. */
  flows: number[][]
  folded: number
}

const OTHER = '\u0000other'
// Tableau 10 and a darker second round, so up to 20 groups keep distinct colours.
const PALETTE = [...schemeTableau10, '#1f4e79', '#8c3b0e', '#1d6b33', '#7a1f2b', '#4b2d73', '#6b4c2f', '#8a3b70', '#4d4d4d', '#6f6f1a', '#16616e']

function groupColour(data: ChordData, i: number): string {
  return data.ids[i] === 'g-other' ? '#9e9e9e' : PALETTE[i % PALETTE.length]
}

/** The chord diagram's key: each service's colour and its connections as client and as server, busiest first. */
export function chordLegend(document: Document, report: ReportData): HTMLElement {
  const data = chordData(report)
  const rows = data.names.map((name, i) => ({name, i, client: data.flows[i].reduce((a, b) => a + b, 0), server: data.flows.reduce((a, row) => a + row[i], 0)}))
  rows.sort((a, b) => b.client + b.server - (a.client + a.server) || a.i - b.i)
  return h(
    document,
    'table',
    {class: 'plain chord-legend'},
    h(document, 'caption', {}, 'Services'),
    h(document, 'thead', {}, h(document, 'tr', {}, h(document, 'th', {scope: 'col'}, 'service'), h(document, 'th', {scope: 'col', class: 'num'}, 'as client'), h(document, 'th', {scope: 'col', class: 'num'}, 'as server'))),
    h(document, 'tbody', {}, rows.map((r) =>
      h(document, 'tr', {'data-g': data.ids[r.i]},
        h(document, 'td', {}, h(document, 'span', {class: 'swatch', style: `background:${groupColour(data, r.i)}`}), r.name),
        h(document, 'td', {class: 'num'}, fmtInt(r.client)),
        h(document, 'td', {class: 'num'}, fmtInt(r.server)),
      ))),
  )
}

/**
 * Connections between services (process names, across hosts), the busiest `maxGroups` kept, the
 * rest as "other". With groups, between services of groups (`nova-api @ controllers`).
 */
export function chordData(report: ReportData, maxGroups = report.limits.maxGroups): ChordData {
  const g = report.groups
  const grid = (g && (report.processGrid ?? g.pooledProcessGrid)) || report.serviceGrid
  const byGroup = grid !== report.serviceGrid
  const alone = g ? g.hostsAlone + g.hostsMixed : 0
  const display = (k: string): string => {
    if (!byGroup) return k
    const [group, service] = JSON.parse(k) as [string, string]
    return `${service} @ ${groupLabel(group, alone)}`
  }
  const totals = new Map<string, number>()
  const add = (k: string, n: number): void => void totals.set(k, (totals.get(k) ?? 0) + n)
  for (const [k, n] of grid.rows) add(k, n)
  for (const [k, n] of grid.cols) add(k, n)
  const fold = foldTop(totals, Math.max(1, maxGroups - 1))
  const keys = [...fold.kept].sort((a, b) => cmp(display(a), display(b)))
  if (fold.folded.length) keys.push(OTHER)
  const index = new Map(keys.map((k, i) => [k, i]))
  const at = (k: string): number => index.get(fold.kept.has(k) ? k : OTHER)!
  const flows = keys.map(() => keys.map(() => 0))
  for (const [client, byServer] of grid.cells) for (const [server, c] of byServer) flows[at(client)][at(server)] += c.connections
  return {
    names: keys.map((k) => (k === OTHER ? `other (${fmtInt(fold.folded.length)})` : display(k))),
    ids: keys.map((k) => (k === OTHER ? 'g-other' : stableId('g', k))),
    flows,
    folded: fold.folded.length,
  }
}

/**
 * A directed chord diagram of service groups as an SVG element: arcs are services sized by
 * their connections, ribbons point from the client service to the server service.
 */
export function chordView(document: Document, report: ReportData): SVGSVGElement {
  const data = chordData(report)
  // room for a 26-character label straight up or down (service @ group names are long)
  const size = 780
  const outer = 200
  const inner = outer - 14
  const svg = s(document, 'svg', {
    class: 'fm-chord',
    width: size,
    height: size,
    viewBox: `${-size / 2} ${-size / 2} ${size} ${size}`,
    role: 'img',
    'aria-label': `Chord diagram of ${data.names.length} services`,
    'font-family': 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif',
    'font-size': 11,
  }) as SVGSVGElement
  svg.append(s(document, 'title', {}, 'Connections between services: ribbons point from client to server'))
  if (data.names.length === 0) {
    svg.append(s(document, 'text', {'text-anchor': 'middle'}, 'no matched connections'))
    return svg
  }
  const layout = chordDirected().padAngle(10 / inner).sortSubgroups(descending).sortChords(descending)(data.flows)
  const colour = (i: number): string => groupColour(data, i)
  const groupArc = arc<ChordGroup>().innerRadius(inner).outerRadius(outer).digits(1)
  const ribbon = ribbonArrow<Chord, ChordGroup>().radius(inner - 1).padAngle(1 / inner)

  const ribbons = s(document, 'g', {class: 'ribbons', 'fill-opacity': 0.72})
  for (const c of layout) {
    const path = pathRound(1)
    ribbon.context(path as unknown as Parameters<typeof ribbon.context>[0])(c)
    const from = c.source.index
    const to = c.target.index
    ribbons.append(
      s(
        document,
        'path',
        {class: 'ribbon', 'data-s': data.ids[from], 'data-t': data.ids[to], d: path.toString(), fill: colour(from)},
        s(document, 'title', {}, `${data.names[from]} → ${data.names[to]}: ${fmtInt(c.source.value)} connection${c.source.value === 1 ? '' : 's'}`),
      ),
    )
  }
  const groups = s(document, 'g', {class: 'groups'})
  for (const g of layout.groups) {
    const mid = (g.startAngle + g.endAngle) / 2
    const flip = mid > Math.PI
    const deg = round((mid * 180) / Math.PI - 90, 1)
    const asClient = data.flows[g.index].reduce((a, b) => a + b, 0)
    const asServer = data.flows.reduce((a, row) => a + row[g.index], 0)
    groups.append(
      s(
        document,
        'g',
        {class: 'group', id: data.ids[g.index], 'data-g': data.ids[g.index]},
        s(document, 'path', {d: groupArc(g)!, fill: colour(g.index), stroke: '#fff'}),
        s(
          document,
          'text',
          {transform: `rotate(${deg}) translate(${outer + 6},0)${flip ? ' rotate(180)' : ''}`, 'text-anchor': flip ? 'end' : 'start', dy: '0.35em'},
          truncate(data.names[g.index], 26),
        ),
        s(document, 'title', {}, `${data.names[g.index]}: ${fmtInt(asClient)} connections as client, ${fmtInt(asServer)} as server`),
      ),
    )
  }
  svg.append(ribbons, groups)
  return svg
}
