import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import type {MatrixEntry} from '@fm/model'
import {checkBaseline, escapeGlob, globLiteral, globMatch, isGlob, isPathPattern, parseBaseline, writeBaseline, type Level} from '../src/index.js'
import {observation} from '@fm/test-helpers'

// Names a hostile host can give its processes and itself: glob and escape characters, path
// separators, YAML and regex syntax, newlines, bidi controls, astral characters.
const hostile = fc.oneof(
  fc.string({unit: fc.constantFrom('a', 'b', '*', '?', '[', ']', '{', '}', '\\', '/', '.', ' ', '"', "'", '#', ':', '-', '+', '0', '1', 'e', 'x', '\n', '\u202e', '😀'), minLength: 1, maxLength: 6}),
  // words YAML would read as something else than text if written plain
  fc.constantFrom('1e3', '0x10', '0o17', '+1', '1.0', '123', 'True', 'NULL', 'false', '~', '.inf', 'yes', '-', '&a', '!x', '%', '@x', '`'),
)
const anEntry = fc
  .record({p: fc.constantFrom('TCP', 'UDP', '*', 'T?P', '\\*'), c: hostile, s: hostile, ch: hostile, sh: hostile, port: fc.constantFrom(80, 443)})
  .map(
    (x): MatrixEntry => ({
      protocol: x.p,
      client: {host: x.ch, ip: '10.0.0.1', process: '/usr/bin/x', name: x.c},
      server: {host: x.sh, ip: '10.0.0.2', port: x.port, process: '/usr/sbin/y', name: x.s},
      connections: 1,
      methods: ['socket'],
      seen: 1,
      captureIds: [1],
      evidence: [],
    }),
  )
const edgeKey = (e: MatrixEntry, level: Level): string =>
  JSON.stringify([e.protocol.toUpperCase(), e.client.name, e.server.name, e.server.port, ...(level === 'host' ? [e.client.host, e.server.host] : [])])

describe('generated baselines are literal', () => {
  test('a generated baseline allows exactly the edges it was generated from, whatever the names', () => {
    fc.assert(
      fc.property(fc.array(anEntry, {minLength: 1, maxLength: 6}), fc.array(anEntry, {maxLength: 12}), fc.constantFrom<Level>('service', 'host'), (source, others, level) => {
        const text = writeBaseline(observation(source), {level}).text
        const baseline = parseBaseline(text, 'b.yaml')
        expect(checkBaseline(baseline, observation(source)).ok).toBe(true)
        const allowedKeys = new Set(source.map((e) => edgeKey(e, level)))
        // the edges again, each with one field changed to another hostile value, and unrelated ones
        const probes = [...others, ...source.flatMap((e, i) => others.slice(i, i + 1).map((o) => ({...e, client: {...e.client, name: o.client.name}})))]
        for (const e of probes) {
          const r = checkBaseline(baseline, observation([e]))
          expect(r.edges[0].status === 'allowed', `${JSON.stringify(e)} against\n${text}`).toBe(allowedKeys.has(edgeKey(e, level)))
        }
      }),
    )
  })

  test('a process named "*" or "a?c" allows only itself', () => {
    const mk = (name: string): MatrixEntry => ({
      protocol: 'TCP',
      client: {host: 'h', ip: '10.0.0.1', process: '', name},
      server: {host: 'h', ip: '10.0.0.2', port: 80, process: '', name: 'db'},
      connections: 1,
      methods: ['socket'],
      seen: 1,
      captureIds: [1],
      evidence: [],
    })
    const text = writeBaseline(observation([mk('*'), mk('a?c'), mk('a/b')])).text
    expect(text).toContain('{client: "\\\\*", server: db, protocol: TCP, port: 80}')
    const b = parseBaseline(text, 'b.yaml')
    expect(checkBaseline(b, observation([mk('*'), mk('a?c'), mk('a/b')])).ok).toBe(true)
    for (const other of ['nc', 'abc', 'a', 'axb', '\\*']) expect(checkBaseline(b, observation([mk(other)])).ok, other).toBe(false)
  })

  test('a name too long for a baseline pattern is refused with the source named, not written as a rule that cannot be read back', () => {
    const e: MatrixEntry = {
      protocol: 'TCP',
      client: {host: 'h'.repeat(5000), ip: '10.0.0.1', process: '', name: 'web'},
      server: {host: 'h', ip: '10.0.0.2', port: 80, process: '', name: 'db'},
      connections: 1,
      methods: ['socket'],
      seen: 1,
      captureIds: [1],
      evidence: [],
    }
    expect(() => writeBaseline(observation([e]), {level: 'host'})).toThrow(/^snap-1\.json: a client host name of 5000 characters .* is longer than a baseline pattern may be \(4096\)$/)
    expect(writeBaseline(observation([e]), {level: 'service'}).added).toBe(1)
  })
})

describe('globs', () => {
  test.for([
    {glob: '*', yes: ['', 'a', '*'], no: []},
    {glob: '\\*', yes: ['*'], no: ['', 'a', '\\*']},
    {glob: 'a?c', yes: ['abc', 'a?c'], no: ['ac', 'abbc']},
    {glob: 'a\\?c', yes: ['a?c'], no: ['abc']},
    {glob: 'a\\\\b', yes: ['a\\b'], no: ['a\\\\b', 'ab']},
    {glob: '[ab]{c,d}', yes: ['[ab]{c,d}'], no: ['a', 'ac']},
    {glob: '*a*b*', yes: ['ab', 'xaxbx', 'aab'], no: ['ba', 'a']},
    {glob: 'a*b*a', yes: ['aba', 'abba', 'abbbaba'], no: ['ab', 'aab']},
    {glob: 'x\\', yes: ['x\\'], no: ['x']},
    {glob: '?', yes: ['a', '?'], no: ['', 'ab']},
  ])('$glob', ({glob, yes, no}) => {
    for (const t of yes) expect(globMatch(glob, t), t).toBe(true)
    for (const t of no) expect(globMatch(glob, t), t).toBe(false)
  })

  test('escapeGlob gives a glob matching only the text itself, never a path pattern', () => {
    fc.assert(
      fc.property(fc.string({unit: fc.constantFrom('a', '*', '?', '\\', '/', '[', '.'), maxLength: 12}), (s) => {
        const g = escapeGlob(s)
        expect(isGlob(g)).toBe(false)
        expect(isPathPattern(g)).toBe(false)
        expect(globLiteral(g)).toBe(s)
        expect(globMatch(g, s)).toBe(true)
        expect(globMatch(g, `${s}a`)).toBe(false)
      }),
    )
  })

  test('match the same texts as the equivalent regular expression', () => {
    fc.assert(
      fc.property(fc.string({unit: fc.constantFrom('a', 'b', '*', '?'), maxLength: 8}), fc.string({unit: fc.constantFrom('a', 'b'), maxLength: 10}), (glob, text) => {
        const re = new RegExp(`^${glob.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's')
        expect(globMatch(glob, text)).toBe(re.test(text))
      }),
    )
  })

  test('a long name against a glob with many stars costs one pass per part, not a backtracking search', () => {
    const text = 'a'.repeat(200_000)
    expect(globMatch('*a*a*a*a*a*a*a*a*b', text)).toBe(false)
    expect(globMatch('*a*a*a*a*a*a*a*a*', text)).toBe(true)
  })
})
