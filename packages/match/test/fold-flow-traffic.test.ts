import {describe, expect, test} from 'vitest'
import {foldFlowTraffic, type OrientedFlow} from '@fm/match'

const f = (tid: string | null, toServer: number, toClient: number, start = 0, last = 10): OrientedFlow => ({
  tid, bytesToServer: toServer, bytesToClient: toClient, packetsToServer: 1, packetsToClient: 1, start, last,
})

describe('foldFlowTraffic', () => {
  test.for([
    {name: 'no flows give no traffic', flows: [], want: null},
    {name: 'one flow is its own traffic', flows: [f('x', 10, 20)], want: {bytesToServer: 10, bytesToClient: 20, flows: 1}},
    {name: 'flows of one capture point over time add up', flows: [f('x', 10, 20, 0, 5), f('x', 1, 2, 6, 9)], want: {bytesToServer: 11, bytesToClient: 22, flows: 2, first: 0, last: 9}},
    {name: 'the same packets seen at two capture points count once (the larger view)', flows: [f('client', 100, 200), f('server', 99, 198)], want: {bytesToServer: 100, bytesToClient: 200, flows: 1}},
    {name: 'first and last seen span every capture point', flows: [f('a', 5, 5, 3, 4), f('b', 1, 1, 1, 8)], want: {first: 1, last: 8, bytesToServer: 5}},
  ])('$name', ({flows, want}) => {
    const got = foldFlowTraffic(flows)
    if (want === null) expect(got).toBeNull()
    else expect(got).toMatchObject(want)
  })

  test('does not depend on the order of the flows', () => {
    const list = [f('b', 7, 7), f('a', 7, 7), f('c', 3, 3)]
    expect(foldFlowTraffic(list)).toEqual(foldFlowTraffic([...list].reverse()))
  })
})
