import {expect, test} from 'vitest'
import {count} from './helpers/count.js'

// a ratio of times: run by `npm test` after the other tests, alone (the vitest project "bounds")

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
