import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {BaselineChecker, baselineRules, BaselineWriter, checkPieces, formatCheck, MemoryRuleStore, parseBaseline, readBaselineLines, type CheckFormat, type Level} from '@fm/baseline'
import {SortedSpill} from '@fm/store'
import type {MatrixEntry} from '@fm/model'
import {RuleTable} from '../src/lib/rule-table.js'

// Small worlds, so that rules and entries meet: a few hosts, services, ports.
const host = fc.constantFrom('h1', 'h2', 'web-1', '1h')
const service = fc.constantFrom('web', 'db', 'a b', 'x*')
const port = fc.constantFrom(22, 80, 443)
const entry: fc.Arbitrary<MatrixEntry> = fc
  .record({p: fc.constantFrom('TCP', 'UDP'), ch: host, c: service, sh: host, s: service, port, ip: fc.constantFrom('10.0.0.2', '127.0.0.1'), n: fc.integer({min: 1, max: 3}), ids: fc.uniqueArray(fc.integer({min: 1, max: 3}), {minLength: 1, maxLength: 3})})
  .map((x) => ({
    protocol: x.p,
    client: {host: x.ch, ip: '10.0.0.1', process: `/usr/bin/${x.c}`, name: x.c},
    server: {host: x.sh, ip: x.ip, port: x.port, process: `/usr/sbin/${x.s}`, name: x.s},
    connections: x.n,
    methods: ['socket' as const],
    seen: x.ids.length,
    captureIds: x.ids.sort((a, b) => a - b),
    evidence: [],
  }))
// A value as fm writes it (plain when it can be, else double-quoted), or as a person might.
const value = (v: string): fc.Arbitrary<string> => fc.constantFrom(/^[a-z][a-z0-9-]*$/.test(v) ? v : JSON.stringify(v.replace('*', '\\*')), JSON.stringify(v.replace('*', '\\*')))
const exactRule = fc
  .record({ch: host, c: service, sh: host, s: service, p: fc.constantFrom('TCP', 'UDP'), port})
  .chain((r) => fc.tuple(value(r.ch), value(r.c), value(r.sh), value(r.s)).map(([ch, c, sh, s]) => `{client_host: ${ch}, client: ${c}, server_host: ${sh}, server: ${s}, protocol: ${r.p}, port: ${r.port}}`))
const otherRule = fc.constantFrom('{client: "w*"}', '{port: "0-100"}', '{host: h1, server: db}', '{loopback: true, reason: local}', '{client: web, server: db, protocol: TCP, port: 443}', '{server: [db, web], port: [22, 80]}', '{client_host: h2, client: db, server_host: h1, server: web, protocol: TCP, port: 80} # hand', '{client_host: h2,  client: db, server_host: h1, server: web, protocol: TCP, port: 80}', '{client_address: 10.0.0.0/8, server: web}', '{client_host: h1, client: web, server_host: h1, server: db, protocol: UDP, port: 0022}')
const ruleLine = fc.oneof({weight: 4, arbitrary: exactRule}, {weight: 1, arbitrary: otherRule})
const list = fc.array(fc.oneof({weight: 6, arbitrary: ruleLine.map((r) => `  - ${r}`)}, {weight: 1, arbitrary: fc.constantFrom('', '  # a comment', '# at the margin')}), {maxLength: 12})
const baselineText = fc.record({level: fc.constantFrom<Level>('host', 'service'), allow: list, require: fc.array(fc.constantFrom('{server: db}', '{client: nosuch}', '{port: 22}'), {maxLength: 2}), ignore: fc.array(fc.oneof(ruleLine, fc.constantFrom('{port: 22}')), {maxLength: 3}), head: fc.constantFrom('', '# reviewed\n', '# fm baseline\n#\n')}).map(
  (b) => `${b.head}version: 1\nlevel: ${b.level}\nallow:${b.allow.length ? '\n' + b.allow.join('\n') : ' []'}\nrequire:${b.require.length ? '\n' + b.require.map((r) => `  - ${r}`).join('\n') : ' []'}\nignore:${b.ignore.length ? '\n' + b.ignore.map((r) => `  - ${r}`).join('\n') : ' []'}\n`,
)
const captures = [1, 2, 3].map((id) => ({id, source: `d${id}.json`, format: 'skydive-g', label: null, timeContext: null, startedAt: null, endedAt: null}))
const FORMATS: CheckFormat[] = ['text', 'junit', 'tap', 'markdown', 'json']

/** Resources a bounded run holds, closed at the end. */
function bounded<T>(f: (t: RuleTable, s: {unexpected: SortedSpill; rules: SortedSpill}) => T): T {
  const table = new RuleTable()
  const spills = {unexpected: new SortedSpill(), rules: new SortedSpill()}
  try {
    return f(table, spills)
  } finally {
    table.close()
    spills.unexpected.close()
    spills.rules.close()
  }
}

describe('a check with its rules in a RuleTable and its edges in spills', () => {
  test('writes every format byte for byte as the in-memory check does', () => {
    fc.assert(
      fc.property(baselineText, fc.array(entry, {maxLength: 30}), fc.integer({min: 1, max: 3}), (text, entries, minSeen) => {
        const held = new BaselineChecker(parseBaseline(text, 'b.yaml'))
        for (const e of entries) held.add(e)
        const report = held.report(captures, {minSeen})
        bounded((table, spills) => {
          // read line by line, or (not in the form fm writes) whole, as loadBaseline does
          const rules = readBaselineLines(text.split('\n'), 'b.yaml', table) ?? baselineRules(parseBaseline(text, 'b.yaml'), new RuleTable())
          const checker = new BaselineChecker(rules, spills)
          for (const e of entries) checker.add(e)
          const parts = checker.parts(captures, {minSeen})
          for (const f of FORMATS) expect([...checkPieces(parts, f, {baseline: 'b.yaml'})].join(''), f).toBe(formatCheck(report, f, {baseline: 'b.yaml'}))
          // read twice (the writers read each list as often as they need it)
          expect([...checkPieces(parts, 'json', {baseline: 'b.yaml'})].join('')).toBe(JSON.stringify(report, null, 2) + '\n')
        })
      }),
      {numRuns: 60},
    )
  })
})

describe('regenerating a baseline read line by line', () => {
  test('writes the very text and counts the in-memory regeneration writes (plain rule lines copied from the file)', () => {
    fc.assert(
      fc.property(baselineText, fc.array(entry, {maxLength: 30}), fc.integer({min: 1, max: 3}), fc.boolean(), (text, entries, minSeen, prune) => {
        const held = new BaselineWriter({existing: {text, file: 'b.yaml'}, prune})
        for (const e of entries) held.add(e)
        const want = held.finish(captures, minSeen)
        bounded((table, spills) => {
          let whole = 0
          const lines = {[Symbol.iterator]: () => text.split('\n')[Symbol.iterator]()}
          const w = new BaselineWriter({existing: {file: 'b.yaml', lines, text: () => (whole++, text)}, prune, rules: table, spill: spills.unexpected, ruleSpill: spills.rules})
          for (const e of entries) w.add(e)
          const pieces: string[] = []
          const result = w.finishTo((t) => pieces.push(t), captures, minSeen)
          expect({text: pieces.join(''), ...result}).toEqual(want)
          // read line by line, never whole; or whole when not in the form fm writes
          expect(whole).toBe(readBaselineLines(text.split('\n'), 'b.yaml', new MemoryRuleStore()) ? 0 : 1)
        })
      }),
      {numRuns: 60},
    )
  })
})
