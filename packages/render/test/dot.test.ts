import {Graphviz} from '@hpcc-js/wasm-graphviz'
import {describe, expect, test} from 'vitest'
import type {Matrix, MatrixEntry} from '@fm/model'
import {dotId, matrixToDot} from '../src/index.js'

const awkward = ['say "hi"', 'name-with-dashes', 'dotted.name.v2', 'with space', 'Ünïcødé 名前', 'back\\slash', 'new\nline', '<b>html</b>', '-- comment', 'subgraph', '{}[];=']

function entry(i: number, s: string): MatrixEntry {
  return {
    protocol: 'TCP',
    server: {host: `host ${s}`, ip: i % 2 ? '10.0.0.1' : 'fe80::1', port: 80 + i, process: `/usr/bin/${s}`, name: s},
    client: {host: s, ip: '10.0.0.2', process: `/opt/${s}`, name: `c-${s}`},
    connections: 1 + i,
    methods: ['socket'],
    seen: 1,
    evidence: [],
  }
}

const matrix = {entries: awkward.map((s, i) => entry(i, s))} as unknown as Matrix

describe('matrixToDot', () => {
  test('writes dot that a real Graphviz parser accepts for names with quotes, dashes, dots, spaces and non-ASCII', async () => {
    const graphviz = await Graphviz.load()
    const dot = matrixToDot(matrix)
    const svg = graphviz.layout(dot, 'svg', 'dot')
    expect(svg).toContain('<svg')
    // every process name survives as a node label: one node per distinct client and server
    const json = JSON.parse(graphviz.layout(dot, 'json', 'dot')) as {objects: {label?: string; name: string}[]}
    const labels = json.objects.map((o) => o.label)
    // Graphviz keeps escapes in labels as written, except \" which it unquotes
    const asGraphvizSays = (x: string): string => dotId(x).slice(1, -1).replace(/\\"/g, '"')
    for (const s of awkward) {
      expect(labels).toContain(asGraphvizSays(s))
      expect(labels).toContain(asGraphvizSays(`host ${s}`))
    }
  })

  test('quotes every identifier', () => {
    expect(dotId('a"b')).toBe('"a\\"b"')
    expect(dotId('x\ny')).toBe('"x\\ny"')
    expect(dotId('c:\\temp')).toBe('"c:\\\\temp"')
  })

  test('draws one cluster per host and labels edges PROTO : ADDR:PORT', () => {
    const dot = matrixToDot({entries: [entry(1, 'nginx')]} as unknown as Matrix)
    expect(dot.match(/subgraph "cluster_/g)).toHaveLength(2)
    expect(dot).toContain('label="TCP : 10.0.0.1:81 (2)"')
  })
})
