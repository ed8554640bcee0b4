import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {pickServer, type Candidate} from '@fm/match'

const c = (serverId: number, spec: Partial<Candidate> = {}): Candidate => ({serverId, owner: false, sameHost: false, hostName: `h${serverId}`, hostNodeId: `n${serverId}`, key: `k${serverId}`, ...spec})

describe('pickServer (DESIGN rule 3)', () => {
  test.for([
    {name: 'one candidate: nothing to resolve', cands: [c(1)], chosen: 1, resolvedBy: null},
    {name: 'the host owning the address first', cands: [c(1, {sameHost: true, hostName: 'a'}), c(2, {owner: true, hostName: 'z'})], chosen: 2, resolvedBy: 'address-owner'},
    {name: 'then the client host', cands: [c(1, {hostName: 'a'}), c(2, {sameHost: true, hostName: 'z'})], chosen: 2, resolvedBy: 'client-host'},
    {name: 'two owners: the client host among them', cands: [c(1, {owner: true, hostName: 'a'}), c(2, {owner: true, sameHost: true, hostName: 'z'})], chosen: 2, resolvedBy: 'client-host'},
    {name: 'then the first by host name', cands: [c(1, {hostName: 'b'}), c(2, {hostName: 'a'})], chosen: 2, resolvedBy: 'first-by-name'},
    {name: 'by code point, not locale (Z before a)', cands: [c(1, {hostName: 'a'}), c(2, {hostName: 'Z'})], chosen: 2, resolvedBy: 'first-by-name'},
    {name: 'one name, two nodes: the node id', cands: [c(1, {hostName: 'a', hostNodeId: 'y'}), c(2, {hostName: 'a', hostNodeId: 'x'})], chosen: 2, resolvedBy: 'first-by-name'},
    {name: 'one host, two sockets: the socket key', cands: [c(1, {hostName: 'a', hostNodeId: 'x', key: 'k2'}), c(2, {hostName: 'a', hostNodeId: 'x', key: 'k1'})], chosen: 2, resolvedBy: 'first-by-name'},
    {name: 'two owners on two other hosts: by name', cands: [c(1, {owner: true, hostName: 'b'}), c(2, {owner: true, hostName: 'a'}), c(3, {sameHost: true})], chosen: 2, resolvedBy: 'first-by-name'},
  ])('$name', ({cands, chosen, resolvedBy}) => {
    const r = pickServer(cands)
    expect([r.chosen.serverId, r.resolvedBy]).toEqual([chosen, resolvedBy])
  })

  test('no candidate is a bug of the caller', () => {
    expect(() => pickServer([])).toThrow(RangeError)
  })

  const candidate = fc.record({
    serverId: fc.nat(),
    owner: fc.boolean(),
    sameHost: fc.boolean(),
    hostName: fc.constantFrom('a', 'b', 'B', 'é'),
    hostNodeId: fc.constantFrom('1', '2'),
    key: fc.string({maxLength: 3}),
  })
  test('never depends on the order of the candidates', () => {
    fc.assert(
      fc.property(fc.uniqueArray(candidate, {minLength: 1, maxLength: 6, selector: (x) => `${x.hostName}|${x.hostNodeId}|${x.key}`}), fc.nat(), (cands, seed) => {
        const shuffled = [...cands].sort((a, b) => ((a.serverId * 7919 + seed) % 13) - ((b.serverId * 7919 + seed) % 13))
        expect(pickServer(shuffled)).toEqual(pickServer(cands))
      }),
    )
  })
})
