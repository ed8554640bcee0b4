import {readFileSync} from 'node:fs'
import {fc, test as prop} from '@fast-check/vitest'
import {describe, expect, test} from 'vitest'
import {AnalyzerError} from '@fm/model'
import {RecordCounter} from '../src/record-counter.js'

const GRAPH = readFileSync('fixtures/skydive/two-agents.json')
const HOSTS = readFileSync('fixtures/capture/two-agents/snapshot-1/hosts.json')
const OWNERSHIP = readFileSync('fixtures/capture/two-agents/snapshot-1/ownership.json')
const ALL = {hosts: 2, sockets: 174, interfaces: 16, netns: 4, ownership: 57, flows: 0}

function count(role: ConstructorParameters<typeof RecordCounter>[0], data: Buffer, cuts: number[] = []): ReturnType<RecordCounter['end']> {
  const c = new RecordCounter(role, 'the answer')
  let at = 0
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    c.push(data.subarray(at, cut))
    at = cut
  }
  c.push(data.subarray(at))
  return c.end()
}

describe('RecordCounter', () => {
  test('counts a whole G response like the dump reader does', () => {
    expect(count('graph', GRAPH)).toEqual(ALL)
  })

  test('counts node and edge arrays', () => {
    expect(count('hosts', HOSTS)).toEqual({...ALL, interfaces: 0, netns: 0, ownership: 0})
    expect(count('ownership', OWNERSHIP).ownership).toBe(57)
  })

  prop.prop([fc.array(fc.nat({max: GRAPH.length}), {maxLength: 40})])('gives the same counts however the response is cut into chunks', (cuts) => {
    expect(count('graph', GRAPH, cuts)).toEqual(ALL)
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

/**
 * A G response of 8 hosts whose long strings (a description, a note on the socket) are all
 * `text`: fields fm reads past without keeping them, since kept text over 4,096 characters is refused.
 */
function graphOf(text: string): Buffer {
  const nodes = Array.from({length: 8}, (_, h) => ({
    ID: `host-${h}`, Host: `h${h}`,
    Metadata: {Type: 'host', Name: `h${h}`, Description: text, Sockets: [{LocalAddress: '10.0.0.1', LocalPort: 80, RemoteAddress: '0.0.0.0', RemotePort: 0, Protocol: 'TCP', State: 'LISTEN', Process: '/usr/sbin/srv', Pid: 1, Name: 'srv', Note: text}]},
  }))
  return Buffer.from(JSON.stringify([{Nodes: nodes, Edges: []}]))
}

test('counting a response whose strings are all escapes costs at most 3x a plain one of the same size', () => {
  // a quote, a backslash and a newline are two-byte escapes in JSON, as many bytes as 'ab'
  const hostile = graphOf('"\\\n'.repeat(100_000))
  const plain = graphOf('ab'.repeat(300_000))
  expect(hostile.length).toBe(plain.length)
  const cuts = (b: Buffer): number[] => Array.from({length: Math.floor(b.length / 65536)}, (_, i) => (i + 1) * 65536)
  expect(count('graph', hostile, cuts(hostile)).hosts).toBe(8)
  const fastest = (b: Buffer): number => {
    let best = Infinity
    for (let i = 0; i < 3; i++) {
      const t = performance.now()
      count('graph', b, cuts(b))
      best = Math.min(best, performance.now() - t)
    }
    return best
  }
  expect(fastest(hostile) / fastest(plain)).toBeLessThanOrEqual(3)
})
