import {describe, expect, test} from 'vitest'
import {connectionFlow, groupFlows, type FlowFigures} from '@fm/match'

const flow = (id: number, spec: Partial<FlowFigures> = {}): FlowFigures => ({
  id, protocol: 'TCP', aAddr: '10.0.0.1', aPort: 40000, bAddr: '10.0.0.2', bPort: 443,
  abBytes: 100, baBytes: 1000, abPackets: 1, baPackets: 10, start: 10, last: 20, nodeTid: 't1', ...spec,
})
const traffic = {kind: 'traffic', clientId: 7, clientHostId: 1, serverId: 8, serverHostId: 2, method: 'socket'} as const
const edge = {kind: 'edge', clientId: null, clientHostId: 1, serverId: null, serverHostId: 2} as const

describe('connectionFlow (DESIGN rule 5: one connection per client socket, else per 5-tuple and hosts)', () => {
  test.for([
    {name: 'client at A: figures as captured', d: {...traffic, clientEnd: 'a' as const}, key: 'c7', client: '10.0.0.1:40000', toServer: [100, 1]},
    {name: 'client at B: figures turned round', d: {...traffic, clientEnd: 'b' as const}, key: 'c7', client: '10.0.0.2:443', toServer: [1000, 10]},
    {name: 'no client socket: keyed by the 5-tuple and hosts', d: {...edge, clientEnd: 'a' as const}, key: 'eTCP|1|10.0.0.1|40000|2|10.0.0.2|443', client: '10.0.0.1:40000', toServer: [100, 1]},
  ])('$name', ({d, key, client, toServer}) => {
    const c = connectionFlow(flow(1), d)
    expect(c.key).toBe(key)
    expect(`${c.connection.clientAddr}:${c.connection.clientPort}`).toBe(client)
    expect([c.bytesToServer, c.packetsToServer]).toEqual(toServer)
    expect(c.connection.method).toBe(d.kind === 'traffic' ? 'socket' : 'flow')
  })
})

describe('groupFlows', () => {
  const at = (id: number, d: Parameters<typeof connectionFlow>[1], spec: Partial<FlowFigures> = {}) => connectionFlow(flow(id, spec), d)
  test.for([
    {name: 'no flows, no connections', flows: [], out: []},
    {name: 'one flow, one connection', flows: [at(1, {...traffic, clientEnd: 'a'})], out: [{key: 'c7', flowIds: [1], bytesToServer: 100, flows: 1}]},
    {
      name: 'flows of one key over time add up (one capture point)',
      flows: [at(1, {...traffic, clientEnd: 'a'}), at(2, {...traffic, clientEnd: 'a'}, {abBytes: 5, start: 1, last: 50})],
      out: [{key: 'c7', flowIds: [1, 2], bytesToServer: 105, flows: 2}],
    },
    {
      name: 'the same packets at two capture points count once: the one that saw most',
      flows: [at(1, {...traffic, clientEnd: 'a'}), at(2, {...traffic, clientEnd: 'a'}, {nodeTid: 't2', abBytes: 90})],
      out: [{key: 'c7', flowIds: [1, 2], bytesToServer: 100, flows: 1}],
    },
    {
      name: 'two keys, two connections, in order',
      flows: [at(1, {...traffic, clientEnd: 'a'}), at(2, {...traffic, clientId: 9, clientEnd: 'a'})],
      out: [{key: 'c7', flowIds: [1], bytesToServer: 100, flows: 1}, {key: 'c9', flowIds: [2], bytesToServer: 100, flows: 1}],
    },
  ])('$name', ({flows, out}) => {
    const got = [...groupFlows(flows)].map((c) => ({key: c.clientId !== null ? `c${c.clientId}` : 'e', flowIds: c.flowIds, bytesToServer: c.bytesToServer, flows: c.flows}))
    expect(got).toEqual(out)
  })

  test('first and last seen span every flow of the connection', () => {
    const [c] = groupFlows([at(1, {...traffic, clientEnd: 'a'}, {start: 5, last: 6}), at(2, {...traffic, clientEnd: 'a'}, {nodeTid: 't2', start: 1, last: 99})])
    expect([c.first, c.last]).toEqual([1, 99])
  })
})
