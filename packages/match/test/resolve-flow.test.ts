import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {resolveFlow, type FlowEndFacts, type FlowEndSocket, type FlowFacts} from '@fm/match'

const host = (id: number) => ({hostId: id, hostName: `h${id}`, hostNodeId: `n${id}`})
const sock = (id: number, hostId: number, role: 'client' | 'server', extra: Partial<FlowEndSocket> = {}): FlowEndSocket => ({
  socketId: id, ...host(hostId), pid: 1, role, owner: true, considered: role === 'client', match: null, ...extra,
})
const end = (e: Partial<FlowEndFacts> = {}): FlowEndFacts => ({local: false, sockets: [], owners: [], listeners: [], ...e})
const facts = (a: Partial<FlowEndFacts>, b: Partial<FlowEndFacts>, observerHostId: number | null = null): FlowFacts => ({observerHostId, a: end(a), b: end(b)})

describe('resolveFlow', () => {
  test.for([
    {
      name: 'a matched client socket gets the traffic, whichever end it holds',
      f: facts({}, {sockets: [sock(7, 2, 'client', {match: {serverId: 9, serverHostId: 1, method: 'socket'}})]}),
      want: {kind: 'traffic', clientEnd: 'b', clientId: 7, serverId: 9, serverHostId: 1, method: 'socket'},
    },
    {
      name: 'a server-side socket makes its end the server, the other end the client host owning the address',
      f: facts({owners: [host(3)]}, {sockets: [sock(5, 1, 'server')]}),
      want: {kind: 'edge', clientEnd: 'a', clientId: null, clientHostId: 3, serverId: 5, serverHostId: 1},
    },
    {
      name: 'with no socket, the end a listener serves is the server',
      f: facts({owners: [host(1)], listeners: [{socketId: 4, ...host(1)}]}, {owners: [host(2)]}),
      want: {kind: 'edge', clientEnd: 'b', clientId: null, clientHostId: 2, serverId: 4, serverHostId: 1},
    },
    {
      name: 'an unmatched client towards a host without sockets: the server is the address owner, process unknown',
      f: facts({sockets: [sock(8, 1, 'client')]}, {owners: [host(2)]}),
      want: {kind: 'edge', clientEnd: 'a', clientId: 8, clientHostId: 1, serverId: null, serverHostId: 2},
    },
    {name: 'a client state the analysis does not count leaves the flow unused', f: facts({sockets: [sock(8, 1, 'client', {considered: false})]}, {owners: [host(2)]}), want: {kind: 'unused', reason: 'not-counted'}},
    {name: 'a client no captured host owns is external', f: facts({}, {sockets: [sock(5, 1, 'server')]}), want: {kind: 'unused', reason: 'external'}},
    {name: 'no socket and no listener at either end: no side can be told', f: facts({owners: [host(1)]}, {owners: [host(2)]}), want: {kind: 'unused', reason: 'no-listener'}},
    {
      name: 'the same loopback tuple on two hosts: the capture point decides',
      f: facts(
        {local: true, sockets: [sock(1, 1, 'client', {match: {serverId: 2, serverHostId: 1, method: 'socket'}}), sock(3, 2, 'client', {match: {serverId: 4, serverHostId: 2, method: 'socket'}})]},
        {local: true, sockets: [sock(2, 1, 'server'), sock(4, 2, 'server')]},
        2,
      ),
      want: {kind: 'traffic', clientId: 3, serverId: 4},
    },
  ])('$name', ({f, want}) => {
    expect(resolveFlow(f)).toMatchObject(want)
  })

  const shuffle = <T>(list: T[], seed: number): T[] => list.map((x, i) => ({x, k: (i * 7919 + seed) % 101})).sort((p, q) => p.k - q.k).map((p) => p.x)
  test('does not depend on the order of sockets, owners or listeners', () => {
    fc.assert(
      fc.property(fc.integer({min: 0, max: 1000}), fc.integer({min: 1, max: 3}), fc.option(fc.integer({min: 1, max: 3}), {nil: null}), (seed, clientHosts, observer) => {
        const clients = Array.from({length: clientHosts}, (_, i) => sock(10 + i, i + 1, 'client', {match: {serverId: 20 + i, serverHostId: 9, method: 'socket'}, owner: i === 1}))
        const owners = [host(1), host(2), host(3)]
        const f = facts({sockets: clients, owners}, {owners: [host(9)], listeners: [{socketId: 30, ...host(9)}, {socketId: 31, ...host(8)}]}, observer)
        const g = facts({sockets: shuffle(clients, seed), owners: shuffle(owners, seed)}, {owners: [host(9)], listeners: shuffle([{socketId: 30, ...host(9)}, {socketId: 31, ...host(8)}], seed)}, observer)
        expect(resolveFlow(g)).toEqual(resolveFlow(f))
      }),
    )
  })
})
