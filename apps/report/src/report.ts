import {createHash} from 'node:crypto'
import {releaseGraphviz, renderDot, type GraphvizEngine} from '@fm/render'
import {ambiguitiesView} from './ambiguities.js'
import {chordLegend, chordView} from './chord.js'
import {coverageView} from './coverage.js'
import {deferMarkup} from './deferred-markup.js'
import {fmtInt, h} from './dom.js'
import {edgesTable, unmatchedTable} from './tables.js'
import {graphDot} from './graph-dot.js'
import {graphView} from './graph.js'
import {heatmapView, type HeatmapMetric} from './heatmap.js'
import {hostIndexView} from './host-index.js'
import type {ReportData} from './report-data.js'
import {REPORT_SCRIPT} from './script.js'
import {serviceMatrix, type GroupBy} from './service-matrix.js'
import {REPORT_CSS} from './style.js'
import {summaryView} from './summary.js'

export type ReportFormat = 'html' | 'svg' | 'dot' | 'render'

export interface ReportOptions {
  title?: string
  groupBy?: GroupBy
  engine?: GraphvizEngine
  metric?: HeatmapMetric
  /** For `render`: the picture as SVG (default) or PNG. */
  picture?: 'svg' | 'png'
  /** Told the graph's notes when no page shows them (`dot`, `render`): e.g. that circo draws no clusters. */
  onNote?: (line: string) => void
  /** Shown in the footer; omitted when not given, so tests stay deterministic. */
  generatedAt?: string
  onProgress?: (step: string) => void
}

const GRAPH_FONT = 'Helvetica'

/**
 * Writes the report in one format: the whole HTML page, the matrix alone as SVG, the graph's
 * dot source, or the graph picture (SVG or PNG) laid out by Graphviz.
 */
export async function buildReport(data: ReportData, format: ReportFormat, opts: ReportOptions = {}): Promise<string | Uint8Array> {
  switch (format) {
    case 'svg':
      return matrixSvg(data, opts)
    case 'dot': {
      const gd = graphDot(data, {title: opts.title, engine: opts.engine})
      for (const n of gd.notes) opts.onNote?.(n)
      return gd.dot
    }
    case 'render': {
      opts.onProgress?.('laying out the graph')
      const {dot, notes} = graphDot(data, {title: opts.title, engine: opts.engine})
      for (const n of notes) opts.onNote?.(n)
      return opts.picture === 'png' ? renderDot(dot, {engine: opts.engine, fontname: GRAPH_FONT, format: 'png'}) : renderDot(dot, {engine: opts.engine, fontname: GRAPH_FONT})
    }
    default:
      return reportHtml(data, opts)
  }
}

/**
 * jsdom, loaded when a document is first needed: importing it costs ~100 MB of RSS, which would
 * otherwise sit under the analysis' own peak.
 */
async function loadJsdom(): Promise<typeof import('jsdom')> {
  return import('jsdom')
}

/** The matrix heatmap alone, as a standalone SVG file. */
export async function matrixSvg(data: ReportData, opts: ReportOptions = {}): Promise<string> {
  const {JSDOM} = await loadJsdom()
  const {window} = new JSDOM('')
  const svg = heatmapView(window.document, serviceMatrix(data, {groupBy: opts.groupBy}), {metric: opts.metric})
  // XMLSerializer writes the SVG namespace declaration itself (the element was created in it).
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new window.XMLSerializer().serializeToString(svg)}\n`
}

/** The whole self-contained page: inline CSS, inline SVG, one inline script allowed by hash, no URL. */
export async function reportHtml(data: ReportData, opts: ReportOptions = {}): Promise<string> {
  const progress = opts.onProgress ?? (() => {})
  const title = opts.title ?? 'fm flow matrix'
  // The graph is laid out first and Graphviz let go before jsdom comes in. Measured at 135k
  // hosts, the wasm memory is not returned at once (V8 frees it at a later collection), so this
  // saves little; the page's savings are the aggregator's and fill's (BENCHMARKS.md, fifth pass).
  progress('laying out the graph')
  const gd = graphDot(data, {title, engine: opts.engine})
  const graphSvg = data.entries ? await renderDot(gd.dot, {engine: opts.engine, fontname: GRAPH_FONT}) : null
  await releaseGraphviz()
  const {JSDOM} = await loadJsdom()
  const dom = new JSDOM('<!DOCTYPE html><html lang="en"><head></head><body></body></html>')
  const document = dom.window.document
  const scriptHash = createHash('sha256').update(REPORT_SCRIPT).digest('base64')
  document.head.append(
    h(document, 'meta', {charset: 'utf-8'}),
    // Even a markup bug could not load or run anything: nothing but this page's own script and styles.
    h(document, 'meta', {'http-equiv': 'Content-Security-Policy', content: `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; base-uri 'none'; form-action 'none'`}),
    h(document, 'meta', {name: 'viewport', content: 'width=device-width, initial-scale=1'}),
    h(document, 'meta', {name: 'generator', content: 'fm report'}),
    h(document, 'title', {}, title),
    h(document, 'style', {}, REPORT_CSS),
  )
  const hosts = data.head.stats.hosts
  const section = (id: string, heading: string, ...content: (Node | null)[]): HTMLElement => h(document, 'section', {id}, h(document, 'h2', {}, heading), ...content)
  const notes = (list: string[]): HTMLElement[] => list.map((n) => h(document, 'p', {class: 'note'}, n))
  // The large parts (the heatmap, the chord, the graph, the tables: tens of MB each as jsdom
  // nodes) are serialised as soon as they are built, table rows and matrix cells one by one, so
  // the page never holds them all as DOM.
  const deferral = deferMarkup(document)
  const part = (el: Element): Comment => deferral.hold(el)

  progress('aggregating the matrix')
  const sm = serviceMatrix(data, {groupBy: opts.groupBy})
  const levelText = sm.groups
    ? {process: 'services grouped by group of hosts', host: 'groups of hosts', service: ''}[sm.level]
    : {process: 'processes grouped by host', host: 'hosts', service: 'services (process names, summed over hosts)'}[sm.level]
  const g = data.groups
  // how the rules split the hosts, said wherever the views are by group
  const groupsNote = g
    ? h(document, 'p', {class: 'groups-note', id: 'groups-note'}, `Groups (--groups): of the ${fmtInt(g.hostsGrouped + g.hostsAlone + g.hostsMixed)} hosts at either end of a connection, ${fmtInt(g.hostsGrouped)} host${g.hostsGrouped === 1 ? '' : 's'} in ${fmtInt(g.groups)} group${g.groups === 1 ? '' : 's'}, ${fmtInt(g.hostsAlone)} alone (no rule names them: each stays itself)${g.hostsMixed ? `, ${fmtInt(g.hostsMixed)} named at some ends only (an address rule misses their other addresses)` : ''}.`)
    : null
  progress('drawing the matrix and the chord diagram')
  const matrix = section(
    'matrix',
    'Who talks to whom',
    groupsNote,
    h(document, 'p', {class: 'muted'}, `Rows are clients, columns are the servers they connect to, as ${levelText || 'services (process names, summed over hosts)'}. Hover a cell for its connections and ports.`),
    ...notes(sm.notes),
    h(document, 'div', {class: 'figure'}, part(heatmapView(document, sm, {metric: opts.metric}))),
  )
  const chordByGroup = Boolean(g && (data.processGrid ?? g.pooledProcessGrid))
  const chord = section(
    'chord',
    chordByGroup ? 'Services of groups' : 'Services',
    h(document, 'p', {class: 'muted'}, chordByGroup ? 'Each arc is a service of a group of hosts (service @ group) sized by its connections; ribbons run from the client to the server, coloured by the client.' : 'Each arc is a service (process name) sized by its connections; ribbons run from the client service to the server service, coloured by the client.'),
    h(document, 'div', {class: 'figure two-col'}, part(chordView(document, data)), data.entries ? chordLegend(document, data) : null),
  )
  const graph = section(
    'graph',
    {process: 'Hosts, processes and connections', group: 'Groups, services and connections', service: 'Services and connections'}[gd.level],
    h(document, 'p', {class: 'muted'}, {
      process: 'Hosts as boxes, processes as nodes, edges labelled PROTO : ADDR:PORT (connections), laid out by Graphviz.',
      group: 'Groups of hosts as boxes (a host no rule names is a box of its own), their services as nodes, edges labelled PROTO : ports (connections), laid out by Graphviz.',
      service: 'Services as nodes, edges labelled PROTO : ports (connections), laid out by Graphviz.',
    }[gd.level]),
    ...notes(gd.notes),
    h(document, 'div', {class: 'figure graph'}, graphSvg !== null ? part(graphView(document, graphSvg)) : h(document, 'p', {}, 'No matched connections.')),
  )
  progress('writing the tables')
  document.body.append(
    h(document, 'header', {}, h(document, 'h1', {}, title), h(document, 'p', {}, `${fmtInt(hosts)} host${hosts === 1 ? '' : 's'}${g ? ` (${fmtInt(g.hostsGrouped + g.hostsMixed)} in ${fmtInt(g.groups)} group${g.groups === 1 ? '' : 's'}, ${fmtInt(g.hostsAlone)} in none)` : ''}, ${fmtInt(data.entries)} matrix rows, ${fmtInt(data.head.captures.length)} capture${data.head.captures.length === 1 ? '' : 's'}`)),
    h(document, 'nav', {'aria-label': 'sections'}, [['summary', 'Summary'], ['matrix', 'Matrix'], ['chord', 'Services'], ['graph', 'Graph'], ['edges', 'Connections'], ['hosts', 'Hosts'], ['unmatched-section', 'Unmatched'], ['ambiguities-section', 'Ambiguities'], ['coverage', 'Coverage']].map(([id, label]) => h(document, 'a', {href: `#${id}`}, label))),
    h(
      document,
      'main',
      {},
      section('summary', 'Summary', summaryView(document, data)),
      matrix,
      chord,
      graph,
      section('edges-section', 'Connections', part(edgesTable(document, data))),
      section('hosts', 'Hosts: what each serves and calls', part(hostIndexView(document, data))),
      section('unmatched-section', 'Unmatched client sockets', part(unmatchedTable(document, data))),
      section('ambiguities-section', 'Ambiguities', part(ambiguitiesView(document, data))),
      section('coverage', 'Coverage', coverageView(document, data)),
    ),
    h(document, 'footer', {}, `Written by fm report${opts.generatedAt ? ` at ${opts.generatedAt}` : ''}. This file is self-contained: it loads nothing from anywhere.`),
    h(document, 'script', {}, REPORT_SCRIPT),
  )
  return deferral.fill(dom.serialize())
}
