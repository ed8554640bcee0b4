import {readFileSync} from 'node:fs'
import {describe, expect, test} from 'vitest'
import {matrixToCsv} from '@fm/render'
import {analyze} from '../src/index.js'

const fixture = (f: string): string => new URL(`../../../fixtures/skydive/${f}`, import.meta.url).pathname
const rows = (csv: string): string[][] => csv.trim().split(/\r?\n/).slice(1).map((l) => l.split(','))
const withoutHosts = (r: string[]): string => [r[0], r[2], r[3], r[4], r[5], r[7], r[8], r[9]].join(',')

describe('analyze on the real two-agent Skydive dump', async () => {
  const m = await analyze({inputs: [fixture('two-agents.json')]})
  const ours = rows(matrixToCsv(m))
  const original = rows(readFileSync(fixture('two-agents.original.csv'), 'utf8'))

  test('finds exactly the original tool\'s connections, host columns aside', () => {
    expect(new Set(ours.map(withoutHosts))).toEqual(new Set(original.map(withoutHosts)))
  })

  test('agrees with every original row, or names the row\'s connection as ambiguous between the agents', () => {
    const exact = new Set(ours.map((r) => r.join(',')))
    for (const r of original) {
      if (exact.has(r.join(','))) continue
      // The original names agent-1 for sockets both agents hold ("first host found wins").
      const [, , serverIp, port, , , , clientIp] = r
      const amb = m.ambiguities.filter((a) => a.client.includes(`|${clientIp}:`) && a.client.includes(`>${serverIp}:${port}|`))
      expect(amb.length, `row ${r.join(',')} is neither in fm's CSV nor ambiguous`).toBeGreaterThan(0)
      for (const a of amb) expect(new Set(a.candidates.map((c) => c.split('|')[0]))).toEqual(new Set(['agent-1', 'agent-2']))
    }
  })

  test('pairs each agent\'s clients with its own copy of the server socket', () => {
    for (const e of m.entries) expect(e.client.host).toBe(e.server.host)
    expect(m.ambiguities.every((a) => a.resolvedBy === 'client-host')).toBe(true)
  })

  test('counts the sockets of both agents and the external peers', () => {
    expect(m.stats).toMatchObject({hosts: 2, hostsWithoutSockets: 0, sockets: 174, listeners: 86})
    expect(m.stats.matched.socket).toBe(42)
    expect(m.unmatched.every((u) => u.reason === 'external')).toBe(true)
  })
})
