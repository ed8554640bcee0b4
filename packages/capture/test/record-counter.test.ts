import {readFileSync} from 'node:fs'
import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {AnalyzerError} from '@fm/model'
import {count} from './helpers/count.js'

const GRAPH = readFileSync('fixtures/skydive/two-agents.json')
const HOSTS = readFileSync('fixtures/capture/two-agents/snapshot-1/hosts.json')
const OWNERSHIP = readFileSync('fixtures/capture/two-agents/snapshot-1/ownership.json')
const ALL = {hosts: 2, sockets: 174, interfaces: 16, netns: 4, ownership: 57, flows: 0}

describe('RecordCounter', () => {
  test('counts a whole G response like the dump reader does', () => {
    expect(count('graph', GRAPH)).toEqual(ALL)
  })

  test('counts node and edge arrays', () => {
    expect(count('hosts', HOSTS)).toEqual({...ALL, interfaces: 0, netns: 0, ownership: 0})
    expect(count('ownership', OWNERSHIP).ownership).toBe(57)
  })

  test('gives the same counts however the response is cut into chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({max: GRAPH.length}), {maxLength: 40}), (cuts) => {
        expect(count('graph', GRAPH, cuts)).toEqual(ALL)
      }),
    )
  })

  test('brackets and escaped quotes inside strings do not confuse it', () => {
    const tricky = Buffer.from(JSON.stringify([{ID: 'a"]}[{', Metadata: {Type: 'host', Name: '\\"}', Sockets: []}, Host: 'h'}, {ID: 'b', Metadata: {Type: 'netns', Name: '[['}}]))
    expect(count('hosts', tricky, [5, 9, 12])).toMatchObject({hosts: 1, netns: 1})
  })

  test('counts the sockets of a Sockets() map', () => {
    const s = {Protocol: 'TCP', LocalAddress: '10.0.0.1', LocalPort: 1, RemoteAddress: '10.0.0.2', RemotePort: 2, State: 'ESTABLISHED'}
    expect(count('flow-sockets', Buffer.from(JSON.stringify([{f1: [s, s], f2: [s]}]))).sockets).toBe(3)
  })

  test.for([
    ['<html>error</html>', 'it starts with "<", not "["'],
    ['', 'it is empty'],
    ['[{"ID": "a", "Metadata": {}}', 'it ends before its JSON closes'],
    ['[{"ID": 1}]', 'element 0.ID: expected a string, got number 1'],
    ['[{"ID": "a", oops}]', 'element 0 is not JSON'],
  ])('%j is not a Skydive response: %s', ([body, why]) => {
    let err: unknown
    try {
      count('hosts', Buffer.from(body))
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(AnalyzerError)
    expect((err as Error).message).toContain(`the answer is not a Skydive response: ${why}`)
  })
})
