import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import {analyze} from '@fm/analyze'
import {entrySelector, parseGroups} from '@fm/baseline'
import {renderDot, type GraphvizEngine} from '@fm/render'
import {graphDot, reportAggregator, type ReportData} from '@fm/report'
import {writeDeployment} from '@fm/gen'
import {fixture, newDocument, reportOf} from './helpers/fixtures.js'

// The graph picture of the README's own examples (the bundled dump with each engine, the
// hostile names) and of generated deployments at each level the graph is drawn at: rendered by
// Graphviz, then measured from the SVG. An edge label must not cover a node or another label.
const dir = mkdtempSync(join(tmpdir(), 'fm-graph-layout-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

interface Box {
  what: string
  x0: number
  y0: number
  x1: number
  y1: number
}

/** The box around every coordinate pair of a shape's points or path (Graphviz writes absolute coordinates). */
function pointsBox(what: string, text: string): Box | null {
  const n = (text.match(/-?\d+(?:\.\d+)?/g) ?? []).map(Number)
  if (n.length < 4) return null
  const xs = n.filter((_, i) => i % 2 === 0)
  const ys = n.filter((_, i) => i % 2 === 1)
  return {what, x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys)}
}

/** A text's box estimated from its anchor and font size (wide Helvetica glyphs: 0.6 em; ascent 0.8, descent 0.25). */
function textBox(what: string, t: Element): Box {
  const x = Number(t.getAttribute('x'))
  const y = Number(t.getAttribute('y'))
  const size = Number(t.getAttribute('font-size') ?? 14)
  const w = (t.textContent ?? '').length * size * 0.6
  const anchor = t.getAttribute('text-anchor')
  const x0 = anchor === 'middle' ? x - w / 2 : anchor === 'end' ? x - w : x
  return {what, x0, y0: y - 0.8 * size, x1: x0 + w, y1: y + 0.25 * size}
}

function shapeBox(g: Element, what: string): Box | null {
  const shape = g.querySelector('polygon, path, ellipse')
  if (!shape) return null
  if (shape.localName === 'ellipse') {
    const [cx, cy, rx, ry] = ['cx', 'cy', 'rx', 'ry'].map((a) => Number(shape.getAttribute(a)))
    return {what, x0: cx - rx, y0: cy - ry, x1: cx + rx, y1: cy + ry}
  }
  return pointsBox(what, shape.getAttribute('points') ?? shape.getAttribute('d') ?? '')
}

/** Node boxes and label boxes of a Graphviz SVG: label nodes by their box, any label Graphviz put on an edge by its text. */
function boxes(svgText: string): {nodes: Box[]; labels: Box[]} {
  const svg = new (newDocument().defaultView!.DOMParser)().parseFromString(svgText, 'image/svg+xml')
  const nodes: Box[] = []
  const labels: Box[] = []
  for (const g of svg.querySelectorAll('g.node')) {
    const name = [...g.querySelectorAll('text')].map((t) => t.textContent).join(' ')
    const isLabel = g.getAttribute('class')!.split(' ').includes('edge-label')
    const box = shapeBox(g, `${isLabel ? 'label' : 'node'} ${name}`)
    expect(box, `${name} has a shape`).not.toBeNull()
    ;(isLabel ? labels : nodes).push(box!)
  }
  for (const t of svg.querySelectorAll('g.edge text')) labels.push(textBox(`edge label ${t.textContent}`, t))
  return {nodes, labels}
}

/** Overlaps by more than half a point each way (boxes that touch are fine). */
function overlaps(a: Box, b: Box): boolean {
  return Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > 0.5 && Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > 0.5
}

function collisions(svg: string): string[] {
  const {nodes, labels} = boxes(svg)
  const found: string[] = []
  labels.forEach((l, i) => {
    for (const n of nodes) if (overlaps(l, n)) found.push(`${l.what} over ${n.what}`)
    for (const m of labels.slice(i + 1)) if (overlaps(l, m)) found.push(`${l.what} over ${m.what}`)
  })
  return found
}

/** The report's aggregate of a generated deployment, with a groups file when given, as `fm report` streams it. */
async function generated(hosts: number, groups?: string): Promise<ReportData> {
  const out = join(dir, `gen-${hosts}`)
  const w = writeDeployment({hosts, seed: 3}, out)
  const sel = groups ? entrySelector({groups: parseGroups(readFileSync(groups, 'utf8'), groups)}) : undefined
  const agg = reportAggregator({}, {groups: sel?.names})
  await analyze({inputs: [w.dump], evidenceLimit: 0, lists: false, select: sel?.select, onHead: agg.onHead, onEntry: agg.onEntry, onUnmatched: agg.onUnmatched, onAmbiguity: agg.onAmbiguity})
  return agg.result()
}

const cloud = fixture('groups/cloud.yaml')

describe('the graph picture', {timeout: 120_000}, () => {
  test.for([
    {name: 'fm report fixtures/skydive/two-agents.json (README)', data: () => reportOf('skydive/two-agents.json'), engine: 'dot', level: 'process'},
    {name: 'the same, --engine circo (README)', data: () => reportOf('skydive/two-agents.json'), engine: 'circo', level: 'process'},
    {name: 'the same, --engine neato', data: () => reportOf('skydive/two-agents.json'), engine: 'neato', level: 'process'},
    {name: 'the hostile names', data: () => reportOf('report/hostile/dump.json'), engine: 'dot', level: 'process'},
    {name: 'a generated 12-host cloud, host-clustered', data: () => generated(12), engine: 'dot', level: 'process'},
    {name: 'a generated 300-host cloud, by service', data: () => generated(300), engine: 'dot', level: 'service'},
    {name: 'the same by service, --engine circo', data: () => generated(300), engine: 'circo', level: 'service'},
    {name: 'a generated 300-host cloud with fixtures/groups/cloud.yaml', data: () => generated(300, cloud), engine: 'dot', level: 'group'},
    {name: 'the same with groups, --engine neato', data: () => generated(300, cloud), engine: 'neato', level: 'group'},
  ] as {name: string; data: () => Promise<ReportData>; engine: GraphvizEngine; level: string}[])('$name: no edge label over a node or another label', async ({data, engine, level}) => {
    const gd = graphDot(await data(), {engine})
    expect(gd.level).toBe(level)
    const svg = await renderDot(gd.dot, {engine, fontname: 'Helvetica'})
    const {nodes, labels} = boxes(svg)
    expect(nodes.length).toBeGreaterThanOrEqual(2)
    expect(labels.length).toBeGreaterThanOrEqual(2)
    expect(collisions(svg)).toEqual([])
  })

  test('the check itself finds labels Graphviz draws over nodes (the self-loops of the bundled dump, drawn as the original did)', async () => {
    // the original's way: labels on the edges; dot stacks the two skydive self-loops' labels
    const svg = await renderDot(
      'digraph { rankdir=LR; node [shape=box, style=rounded]; a [label="chrome"]; b [label="skydive"]; a -> b [label="TCP : 192.168.50.254:8082 (2)"]; b -> b [label="TCP : 192.168.50.254:8082 (4)"]; b -> b [label="TCP : 192.168.50.254:12379 (12)"]; }',
      {engine: 'dot', fontname: 'Helvetica'},
    )
    expect(collisions(svg).length).toBeGreaterThan(0)
  })

  test('circo and neato draw no clusters, so each node names its host, and the graph says so', async () => {
    for (const engine of ['circo', 'neato'] as const) {
      const gd = graphDot(await reportOf('skydive/two-agents.json'), {engine})
      expect(gd.dot).not.toContain('subgraph')
      expect(gd.dot).toContain('[label="skydive\\nagent-1"')
      expect(gd.notes[0]).toMatch(new RegExp(`^${engine} lays nodes out freely and keeps no clusters of hosts apart`))
    }
    expect(graphDot(await reportOf('skydive/two-agents.json')).notes).toEqual([])
  })
})
