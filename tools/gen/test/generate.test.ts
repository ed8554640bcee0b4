import {createHash} from 'node:crypto'
import {isIPv4, isIPv6} from 'node:net'
import {describe, expect, test} from 'vitest'
import {generateDeployment} from '../src/generate.js'
import {Deployment} from '../src/model.js'
import {writeDeployment} from '../src/write-deployment.js'

const digest = (chunks: Iterable<string>): string => {
  const h = createHash('sha256')
  for (const c of chunks) h.update(c)
  return h.digest('hex')
}

describe('generateDeployment', () => {
  test('covers every tricky case of DESIGN even at 50 hosts', () => {
    const s = generateDeployment({hosts: 50, seed: 1}).summary()
    expect(s.matched.listener).toBeGreaterThan(0)
    expect(s.unmatched.external).toBeGreaterThan(0)
    expect(s.unmatched['no-listener']).toBeGreaterThan(0)
    expect(s.unmatched['host-without-sockets']).toBeGreaterThan(0)
    expect(s.hostsWithoutSockets.length).toBeGreaterThan(0)
    const csv = generateDeployment({hosts: 50, seed: 1}).matrixCsv()
    expect(csv).toMatch(/,172\.17\.0\.1,8125,/) // the same bridge address on every compute
    expect(csv).toMatch(/^UDP,/m)
    expect(csv).toMatch(/,fd00:10::[0-9a-f]+,5672,/)
  })

  // hosts past 65,535 once got `fd00:10::18be7`, which no parser takes: fm policy dropped their
  // clients as "not an IP connection" at 135k hosts
  test.for([0, 1, 65534, 65535, 65536, 99999, 134999, 300000])('host %i has a valid IPv4 and IPv6 address', (i) => {
    const h = new Deployment({hosts: 400000, seed: 1}).host(i)
    expect(isIPv4(h.ip4), h.ip4).toBe(true)
    expect(isIPv6(h.ip6), h.ip6).toBe(true)
  })

  test('the same seed gives byte-identical output, another seed a different one', () => {
    const a = generateDeployment({hosts: 60, seed: 3, flows: true})
    const b = generateDeployment({hosts: 60, seed: 3, flows: true})
    expect(digest(a.dump())).toBe(digest(b.dump()))
    expect(digest(a.flows())).toBe(digest(b.flows()))
    expect(a.matrixCsv()).toBe(b.matrixCsv())
    expect(digest(generateDeployment({hosts: 60, seed: 4}).dump())).not.toBe(digest(a.dump()))
  })

  test('the dump and flows are valid JSON of the G and G.Flows() shapes', () => {
    const d = generateDeployment({hosts: 10, seed: 2, flows: true})
    const g = JSON.parse([...d.dump()].join('')) as {Nodes: unknown[]; Edges: unknown[]}[]
    expect(g).toHaveLength(1)
    expect(g[0].Nodes.length).toBeGreaterThan(10)
    expect(g[0].Edges.length).toBeGreaterThan(10)
    const flows = JSON.parse([...d.flows()].join('')) as unknown[]
    expect(flows.length).toBe(d.summary().flows)
  })

  test('rejects sizes that cannot hold a controller and a compute', () => {
    expect(() => generateDeployment({hosts: 2, seed: 1})).toThrow(RangeError)
  })
})

describe('uuid', () => {
  test('gives distinct ids to the 1.5 million nodes of 150,000 hosts (its four words are independent)', async () => {
    const {uuid} = await import('../src/rng.js')
    const seen = new Set<string>()
    for (let i = 0; i < 150_000; i++) for (const kind of [1, 2, 10, 11, 12, 13, 14, 15, 16, 17]) seen.add(uuid(1, i, kind))
    expect(seen.size).toBe(1_500_000)
  })
})
