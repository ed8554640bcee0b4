import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {firstMatchingRule} from '../src/first-matching-rule.js'
import {ruleMatches, type Rule} from '../src/index.js'
import {entry} from '@fm/test-helpers'

const name = fc.constantFrom('web', 'db', 'w*', '*', '/usr/bin/web', 'd?', '\\*', 'w\\*', 'd\\?')
const host = fc.constantFrom('h1', 'h2', 'h*')
const rule: fc.Arbitrary<Rule> = fc.record(
  {
    protocol: fc.constantFrom('TCP', 'udp', '*').map((p) => [p]),
    client: name.map((n) => [n]),
    server: name.map((n) => [n]),
    port: fc.constantFrom<[number, number]>([80, 80], [443, 443], [0, 1000]).map(([from, to]) => [{from, to}]),
    clientHost: host.map((h) => [h]),
    serverHost: host.map((h) => [h]),
    loopback: fc.boolean(),
  },
  {requiredKeys: ['client', 'server']},
).map((r) => ({...r, line: 1, text: ''}))
// Rules naming exactly one edge (what fm baseline writes), at service or host level.
const exactRule: fc.Arbitrary<Rule> = fc
  .record({p: fc.constantFrom('TCP', 'udp'), c: fc.constantFrom('web', 'db', '\\*', 'w\\*'), s: fc.constantFrom('web', 'db', 'd\\?'), port: fc.constantFrom(80, 443), hosts: fc.option(fc.tuple(fc.constantFrom('h1', 'h2'), fc.constantFrom('h1', 'h2')))})
  .map((x) => ({protocol: [x.p], client: [x.c], server: [x.s], port: [{from: x.port, to: x.port}], ...(x.hosts ? {clientHost: [x.hosts[0]], serverHost: [x.hosts[1]]} : {}), line: 1, text: ''}))
const anEntry = fc
  .record({p: fc.constantFrom('TCP', 'UDP'), c: fc.constantFrom('web', 'db', '*', 'w*'), s: fc.constantFrom('web', 'db', 'd?'), ch: fc.constantFrom('h1', 'h2'), sh: fc.constantFrom('h1', 'h2'), port: fc.constantFrom(80, 443), lo: fc.boolean()})
  .map((x) => entry(`${x.p} ${x.c}@${x.ch}:10.0.0.1 -> ${x.s}@${x.sh}:${x.lo ? '127.0.0.1' : '10.0.0.2'}:${x.port}`))

describe('firstMatchingRule', () => {
  test('finds the same rule as trying every rule in order', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(rule, exactRule), {maxLength: 12}), fc.array(anEntry, {minLength: 1, maxLength: 8}), (rules, entries) => {
        const first = firstMatchingRule(rules)
        for (const e of entries) expect(first(e)).toBe(rules.findIndex((r) => ruleMatches(r, e)))
      }),
    )
  })
})
