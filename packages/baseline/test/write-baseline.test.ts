import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import type {MatrixEntry} from '@fm/model'
import {checkBaseline, parseBaseline, writeBaseline} from '../src/index.js'
import {entry, observation} from '@fm/test-helpers'

const OBS = observation(
  [
    entry('TCP web@h1:10.0.0.1 -> db@h2:10.0.0.2:5432', [1, 2]),
    entry('TCP web@h1:10.0.0.1 -> cache@h1:127.0.0.1:6379', [1]),
    entry('UDP chronyd@h1:10.0.0.1 -> ntpd@ntp:10.9.9.9:123', [2]),
  ],
  2,
)

const rulesOf = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('  - '))

describe('writeBaseline', () => {
  test('a new baseline allows every observed edge, one reviewable line each, and passes its own check', async () => {
    const r = writeBaseline(OBS)
    await expect(r.text).toMatchFileSnapshot('../../../fixtures/baseline/new-service-level/expected.yaml')
    expect(r).toMatchObject({level: 'service', added: 3, kept: 0, removed: 0})
    expect(checkBaseline(parseBaseline(r.text, 'b'), OBS).ok).toBe(true)
  })

  test('at host level the rules name the hosts', () => {
    expect(rulesOf(writeBaseline(OBS, {level: 'host'}).text)).toEqual([
      '  - {client_host: h1, client: chronyd, server_host: ntp, server: ntpd, protocol: UDP, port: 123}',
      '  - {client_host: h1, client: web, server_host: h1, server: cache, protocol: TCP, port: 6379}',
      '  - {client_host: h1, client: web, server_host: h2, server: db, protocol: TCP, port: 5432}',
    ])
  })

  test('--min-seen leaves out edges seen too rarely', () => {
    expect(rulesOf(writeBaseline(OBS, {minSeen: 2}).text)).toEqual(['  - {client: web, server: db, protocol: TCP, port: 5432}'])
  })

  test('regenerating keeps comments, hand-written rules, require and ignore, and appends only what nothing allows', () => {
    const existing = [
      '# Payments cluster: reviewed by the network team.',
      'version: 1',
      'level: service',
      'allow:',
      '  # the app and its database',
      '  - {client: web, server: db, protocol: TCP, port: 5432} # since 2019',
      '  - {client: old, server: gone, protocol: TCP, port: 1}',
      '  - {client: "*", server: "cach*"}',
      'require:',
      '  - {client: web, server: db} # the one that matters',
      'ignore:',
      '  - {port: 9999}',
      '',
    ].join('\n')
    const r = writeBaseline(OBS, {existing: {text: existing, file: 'b.yaml'}})
    expect(r).toMatchObject({added: 1, kept: 3, removed: 0})
    expect(r.text).toBe(existing.replace("  - {client: \"*\", server: \"cach*\"}\n", "  - {client: \"*\", server: \"cach*\"}\n  - {client: chronyd, server: ntpd, protocol: UDP, port: 123}\n"))
  })

  test('--prune drops generated rules that matched nothing, but never commented or wildcard ones', () => {
    const existing = [
      'version: 1',
      'allow:',
      '  - {client: old, server: gone, protocol: TCP, port: 1}',
      '  # kept: a person wrote this',
      '  - {client: old2, server: gone, protocol: TCP, port: 2}',
      '  - {client: "old*", server: gone}',
      '  - {client: web, server: db, protocol: TCP, port: 5432}',
      '',
    ].join('\n')
    const r = writeBaseline(OBS, {existing: {text: existing, file: 'b.yaml'}, prune: true})
    expect(r).toMatchObject({added: 2, kept: 3, removed: 1})
    expect(rulesOf(r.text)).toEqual([
      '  - {client: old2, server: gone, protocol: TCP, port: 2}',
      '  - {client: "old*", server: gone}',
      '  - {client: web, server: db, protocol: TCP, port: 5432}',
      '  - {client: chronyd, server: ntpd, protocol: UDP, port: 123}',
      '  - {client: web, server: cache, protocol: TCP, port: 6379}',
    ])
  })

  test('refuses to change the level of an existing baseline', () => {
    expect(() => writeBaseline(OBS, {level: 'host', existing: {text: 'version: 1\n', file: 'b.yaml'}})).toThrow(/service-level baseline/)
  })

  test('a malformed existing baseline is an input error with its line', () => {
    expect(() => writeBaseline(OBS, {existing: {text: 'version: 1\nallow: [\n', file: 'b.yaml'}})).toThrow(/^b\.yaml: line \d+, column \d+: not valid YAML/)
  })

  const hostile = fc.string({unit: fc.constantFrom('a', '/', '*', '?', '"', "'", ':', '#', '-', '{', '\n', ' ', 'é', '\u0000', '[', ','), maxLength: 8})
  test('whatever the process names, a generated baseline allows exactly what it was generated from', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({client: hostile, server: hostile, cpath: hostile, port: fc.integer({min: 0, max: 65535}), udp: fc.boolean()}), {maxLength: 6}),
        (list) => {
        const entries: MatrixEntry[] = list.map((x, i) => ({
          ...entry(`${x.udp ? 'UDP' : 'TCP'} c@h${i}:10.0.0.1 -> s@h:10.0.0.2:${x.port}`),
          client: {host: `h${i}`, ip: '10.0.0.1', process: x.cpath, name: x.client},
          server: {host: 'h', ip: '10.0.0.2', port: x.port, process: '', name: x.server},
        }))
        const obs = observation(entries)
        for (const level of ['service', 'host'] as const) {
          const text = writeBaseline(obs, {level}).text
          expect(checkBaseline(parseBaseline(text, 'b'), obs).violations).toEqual([])
        }
      }),
    )
  })
})
