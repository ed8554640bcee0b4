import {createHash} from 'node:crypto'
import {JSDOM} from 'jsdom'
import {describe, expect, test} from 'vitest'
import {aggregateMatrix, buildReport, matrixSvg, reportHtml} from '@fm/report'
import {reportOf} from './helpers/fixtures.js'
import {syntheticMatrix} from '@fm/test-helpers'

const HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "=cmd|' /C calc'!A0", '</title><script>alert(2)</script>', '</svg><script>alert(3)</script>', '<i>silent</i>']

describe('reportHtml on hostile names', async () => {
  const html = await reportHtml(await reportOf('report/hostile/dump.json'), {title: '<script>alert("title")</script>'})
  const {document} = new JSDOM(html).window

  test('runs no script but its own, and has no element or handler a dump could inject', () => {
    expect(document.querySelectorAll('script')).toHaveLength(1)
    expect(document.querySelectorAll('img, iframe, object, embed, foreignObject, image, use')).toHaveLength(0)
    const handlers = [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes].filter((a) => /^on|^href$|^src$/i.test(a.name) && !(el.localName === 'a' && a.value.startsWith('#'))))
    expect(handlers.map((a) => a.name)).toEqual([])
  })

  test('shows every hostile name as text', () => {
    const text = document.body.textContent ?? ''
    for (const name of HOSTILE) expect(text).toContain(name)
    expect(document.title).toBe('<script>alert("title")</script>')
  })

  test('allows only its own inline script by hash and nothing from any URL', () => {
    const csp = document.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content')!
    const script = document.querySelector('script')!.textContent!
    expect(csp).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`)
    expect(csp).toMatch(/^default-src 'none';/)
    expect(html).not.toMatch(/(?:src|href)\s*=\s*["']?(?:https?:|\/\/|data:)/i)
    expect((html.match(/https?:\/\/[^\s"'<>]+/g) ?? []).filter((u) => !/^http:\/\/www\.w3\.org\/(2000\/svg|1999\/xlink)$/.test(u))).toEqual([])
  })
})

describe('the other formats', () => {
  test('svg is the matrix alone, a standalone SVG document', async () => {
    const svg = await matrixSvg(await reportOf('skydive/two-agents.json'))
    expect(svg).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="fm-matrix"/)
    expect(svg.match(/class="cell"/g)).toHaveLength(6)
    const parsed = new (new JSDOM('').window.DOMParser)().parseFromString(svg, 'image/svg+xml')
    expect(parsed.getElementsByTagName('parsererror')).toHaveLength(0)
  })

  test('dot is the host-clustered graph source', async () => {
    const dot = (await buildReport(await reportOf('skydive/two-agents.json'), 'dot', {title: 'T'})) as string
    expect(dot).toMatch(/^digraph fm \{\n {2}label="T";/)
    expect(dot.match(/subgraph cluster_/g)).toHaveLength(2)
  })
})

describe('a 5,000-host deployment', async () => {
  const m = syntheticMatrix({hosts: 5000, seed: 7})
  const html = await reportHtml(aggregateMatrix(m), {groupBy: 'host'})
  const {document} = new JSDOM(html).window

  // its time is the benchmark's to say (npm run bench:report), not a test's
  test('gives a file under 10 MB', () => {
    expect(m.entries.length).toBeGreaterThan(45_000)
    expect(Buffer.byteLength(html)).toBeLessThan(10 * 1024 * 1024)
  })

  test('draws the matrix by service, at most 60 × 60, and says why', () => {
    const rows = document.querySelectorAll('svg.fm-matrix .row-label')
    expect(rows.length).toBeLessThanOrEqual(60)
    expect(document.querySelectorAll('svg.fm-matrix .cell').length).toBeLessThanOrEqual(60 * 60)
    expect(document.querySelector('#matrix .note')?.textContent).toMatch(/^5,000 hosts do not fit a readable matrix/)
  })

  test('draws the graph by service and cuts the tables, pointing to the full lists', () => {
    expect(document.querySelector('#graph h2')?.textContent).toBe('Services and connections')
    expect(document.querySelectorAll('svg.fm-graph g.node:not(.edge-label)').length).toBeLessThanOrEqual(40)
    expect(document.querySelectorAll('svg.fm-graph g.node.edge-label')).toHaveLength(150)
    expect(document.querySelectorAll('#edges tbody tr')).toHaveLength(1000)
    expect(document.querySelector('#edges-section .table-tools span')?.textContent).toMatch(/^the 1,000 busiest rows \(of \d{2},\d{3}\); `fm analyze --format csv` lists them all$/)
    expect(document.querySelectorAll('#hosts-without-sockets li')).toHaveLength(50)
  })
})

describe('names with characters XML forbids', () => {
  const odd = ['ctl\u0001x', 'nonchar\uFFFEx', 'lone\uD800x', 'nul\u0000x']
  const m = syntheticMatrix({hosts: 2, seed: 1})
  m.entries = odd.map((name, i) => ({...m.entries[i], server: {...m.entries[i].server, name, host: name}, client: {...m.entries[i].client, name}}))

  test('still give the whole page, graph included', async () => {
    const {document} = new JSDOM(await reportHtml(aggregateMatrix(m))).window
    expect(document.querySelectorAll('svg.fm-graph g.node:not(.edge-label)').length).toBeGreaterThanOrEqual(4)
    expect(document.querySelectorAll('svg.fm-matrix rect.cell')).toHaveLength(4)
  })

  test('still give a well-formed standalone SVG', async () => {
    const svg = await matrixSvg(aggregateMatrix(m))
    const doc = new JSDOM('').window
    const parsed = new doc.DOMParser().parseFromString(svg, 'image/svg+xml')
    expect(parsed.getElementsByTagName('parsererror')).toHaveLength(0)
    expect(parsed.querySelectorAll('rect.cell')).toHaveLength(4)
  })
})

describe('a capture where nothing matched', () => {
  test('still gives every section, each saying there is nothing to draw', async () => {
    const m = {...syntheticMatrix({hosts: 0}), entries: []}
    const {document} = new JSDOM(await reportHtml(aggregateMatrix(m))).window
    expect([...document.querySelectorAll('main > section')].map((s) => s.id)).toEqual(['summary', 'matrix', 'chord', 'graph', 'edges-section', 'hosts', 'unmatched-section', 'ambiguities-section', 'coverage'])
    expect(document.querySelector('svg.fm-chord text')?.textContent).toBe('no matched connections')
    expect(document.querySelector('#graph .figure p')?.textContent).toBe('No matched connections.')
    expect(document.querySelector('#edges-section .table-tools span')?.textContent).toBe('0 rows')
  })
})
