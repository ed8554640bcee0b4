import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {BaselineWriter, diffEdges, EdgeGrouper, type Level} from '@fm/baseline'
import {SortedSpill} from '@fm/store'
import type {MatrixEntry} from '@fm/model'

const name = fc.constantFrom('a', 'b', 'web', 'Web', 'é', '𝒳', '\uE000', 'a\u0000b', '')
const entry: fc.Arbitrary<MatrixEntry> = fc.record({
  protocol: fc.constantFrom('TCP', 'UDP'),
  server: fc.record({host: name, ip: fc.constantFrom('10.0.0.1', '::1'), port: fc.constantFrom(22, 80, 443), process: fc.constantFrom('/usr/sbin/x', '/opt/y'), name}),
  client: fc.record({host: name, ip: fc.constantFrom('10.0.0.2', '10.0.0.3'), process: fc.constantFrom('/usr/bin/c', '/bin/d'), name}),
  connections: fc.integer({min: 1, max: 5}),
  methods: fc.constant(['socket' as const]),
  seen: fc.constant(1),
  captureIds: fc.uniqueArray(fc.integer({min: 1, max: 3}), {minLength: 1, maxLength: 3}).map((a) => a.sort((x, y) => x - y)),
  evidence: fc.constant([]),
})
const level = fc.constantFrom<Level>('service', 'host', 'group')

describe('EdgeGrouper with a SortedSpill', () => {
  test('streams the very edges, in the very order, the in-memory grouper returns (names in code-point order, NUL and astral ones too)', () => {
    fc.assert(
      fc.property(fc.array(entry, {maxLength: 40}), level, fc.boolean(), (entries, lvl, byPort) => {
        const held = new EdgeGrouper({level: lvl, byPort})
        const spill = new SortedSpill()
        const spilled = new EdgeGrouper({level: lvl, byPort}, spill)
        for (const e of entries) {
          held.add(e)
          spilled.add(e)
        }
        try {
          expect([...spilled.edgeStream()]).toEqual(held.edges())
        } finally {
          spill.close()
        }
      }),
    )
  })

  test('diffEdges of two streamed sides is diffEdges of the held ones', () => {
    fc.assert(
      fc.property(fc.array(entry, {maxLength: 30}), fc.array(entry, {maxLength: 30}), level, (a, b, lvl) => {
        const group = (entries: MatrixEntry[], spill?: SortedSpill): EdgeGrouper => {
          const g = new EdgeGrouper({level: lvl, byPort: false}, spill)
          for (const e of entries) g.add(e)
          return g
        }
        const sa = new SortedSpill()
        const sb = new SortedSpill()
        try {
          const held = diffEdges({captures: [], edges: group(a).edges()}, {captures: [], edges: group(b).edges()}, {level: lvl})
          const streamed = diffEdges({captures: [], edges: group(a, sa).edgeStream()}, {captures: [], edges: group(b, sb).edgeStream()}, {level: lvl})
          expect(streamed).toEqual(held)
        } finally {
          sa.close()
          sb.close()
        }
      }),
    )
  })
})

describe('BaselineWriter with a SortedSpill', () => {
  const existing = {file: 'b.yaml', text: 'version: 1\nlevel: host\n# reviewed\nallow:\n  - {client: a, server: web}\n  - {client_host: "*", client: b, server_host: b, server: x, protocol: TCP, port: 22}\nrequire:\n  - {server: web}\nignore:\n  - {port: 443}\n'}
  test('writes the very text, and counts, the in-memory writer writes (new rules written from the spill one at a time)', () => {
    fc.assert(
      fc.property(fc.array(entry, {maxLength: 40}), fc.constantFrom<Level>('service', 'host'), fc.boolean(), fc.integer({min: 1, max: 3}), fc.boolean(), (entries, lvl, regenerate, minSeen, prune) => {
        const opts = regenerate ? {existing, prune} : {level: lvl}
        const held = new BaselineWriter(opts)
        const spill = new SortedSpill()
        const spilled = new BaselineWriter({...opts, spill})
        for (const e of entries) {
          held.add(e)
          spilled.add(e)
        }
        const captures = [1, 2, 3].map((id) => ({id, source: `d${id}.json`, format: 'skydive-g', label: null, timeContext: null, startedAt: null, endedAt: null}))
        try {
          const pieces: string[] = []
          const result = spilled.finishTo((t) => pieces.push(t), captures, minSeen)
          expect({text: pieces.join(''), ...result}).toEqual(held.finish(captures, minSeen))
        } finally {
          spill.close()
        }
      }),
    )
  })
})
