import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {parseBaseline, parseBaselineDocument, writeBaseline} from '../src/index.js'
import {parseSimpleBaseline} from '../src/parse-simple.js'
import {entry, observation} from '@fm/test-helpers'

/** The baseline, or the message it is refused with. */
const outcome = (f: () => unknown): unknown => {
  try {
    return f()
  } catch (e) {
    return {error: (e as Error).message}
  }
}

// Values the fast reader takes, and values that look alike but that YAML reads otherwise (it must leave those to YAML).
const value = fc.oneof(
  {weight: 12, arbitrary: fc.constantFrom('web', 'db-*', '/usr/sbin/*', 'TCP', 'udp', '443', '0', '8000-8099', '"8000-8099"', '"*"', '10.0.0.0/8', '"fe80::/10"', '"::1"', 'true', 'false', 'True', 'DNS and friends')},
  {weight: 1, arbitrary: fc.constantFrom('1e3', '0x1F', '0o17', '.5', '+1', '-1', '007', 'null', '~', 'Null', '*alias', '&anchor x', '!tag x', "'single'", '"\\x41"', '"\\N"', '"\\ud83d"', '"a\\"b"', '"\\u00e9t\\u00e9"', 'a: b', 'a #c', 'a#b', '"', 'x,', '12345678901234567890', '.inf', 'yes', '::1', '"\u202e"', '"a\tb"')},
  {weight: 3, arbitrary: fc.string({unit: fc.constantFrom('a', '*', '?', '\\', '/', '"', ' ', '.', '1', 'é'), minLength: 1, maxLength: 5}).map((s) => JSON.stringify(s))},
)
const field = fc.tuple(fc.constantFrom('client', 'server', 'protocol', 'port', 'client_host', 'process', 'address', 'loopback', 'reason', 'sever'), fc.oneof(value, fc.array(value, {minLength: 1, maxLength: 3}).map((v) => `[${v.join(', ')}]`)))
const rule = fc
  .tuple(fc.array(field, {minLength: 1, maxLength: 4}), fc.constantFrom('', '', '', '', '', ' # why', '  #x', '#no'), fc.constantFrom(', ', ',', ' , '))
  .map(([fields, comment, sep]) => `{${fields.map(([k, v]) => `${k}: ${v}`).join(sep)}}${comment}`)
const list = fc.tuple(fc.constantFrom('allow', 'require', 'ignore'), fc.array(rule, {maxLength: 4}), fc.constantFrom('  ', '', '    '), fc.boolean())
const document = fc
  .tuple(fc.constantFrom('version: 1', 'version: 1', 'version: 1', 'version: 1', 'version: 2', 'version: "1"', ''), fc.constantFrom('', 'level: host', 'level: service', 'level: host', 'level: cluster'), fc.oneof({weight: 5, arbitrary: fc.uniqueArray(list, {maxLength: 3, selector: (l) => l[0]})}, {weight: 1, arbitrary: fc.array(list, {maxLength: 3})}), fc.constantFrom('', '# a comment', '\n'))
  .map(([version, level, lists, extra]) =>
    [extra, version, level, ...lists.map(([k, rules, indent, empty]) => (empty && rules.length === 0 ? `${k}: []` : [`${k}:`, ...rules.map((r) => `${indent}- ${r}`)].join('\n')))].join('\n') + '\n',
  )

describe('the fast baseline reader', () => {
  let taken = 0
  let runs = 0
  test('reads every text exactly as the YAML parser does, or leaves it to it', () => {
    fc.assert(
      fc.property(document, (text) => {
        runs++
        if (parseSimpleBaseline(text)) taken++
        expect(outcome(() => parseBaseline(text, 'b.yaml'))).toEqual(outcome(() => parseBaselineDocument(text, 'b.yaml').baseline))
      }),
      {numRuns: 400},
    )
  })

  test('(the texts above are often the fast reader\'s own, so the comparison means something)', () => {
    expect(taken / runs).toBeGreaterThan(0.1)
  })

  test('takes the baselines fm writes', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('web', 'db', 'x y', 'a*', 'é', '1e3', '\u202e', 'a"b', 'a\\b'), {minLength: 1, maxLength: 5}), (names) => {
        const obs = observation(names.map((n, i) => ({...entry(`TCP c@h1:10.0.0.1 -> s@h2:10.0.0.2:${80 + i}`), client: {host: 'h1', ip: '10.0.0.1', process: '', name: n}})))
        for (const level of ['service', 'host'] as const) {
          const text = writeBaseline(obs, {level}).text
          expect(parseSimpleBaseline(text)).not.toBeNull()
          expect(parseBaseline(text, 'b.yaml')).toEqual(parseBaselineDocument(text, 'b.yaml').baseline)
        }
      }),
    )
  })
})
