import {describe, expect, test} from 'vitest'
import {cmp, socketKey, type Ambiguity, type MatrixEntry, type MatrixHead, type UnmatchedSocket} from '@fm/model'
import {analyze} from '../src/index.js'
import {graphDump, type TestHost} from '@fm/test-helpers'
import {writeTemp} from '@fm/test-helpers/temp'

// Host names whose UTF-16 order differs from their code-point order (an astral character
// against U+FFFD), accents, case, a NUL, separators: the store sorts the lists (BINARY, on
// socket keys it builds with socketKey) and must give exactly the order cmp gives.
const names = ['b', 'B', 'é', 'e\u0301', '\u{1F600}x', '\uFFFDx', 'a\u0000z', 'a', 'a|b', '[x]', 'zz']
const hosts: TestHost[] = names.flatMap((name, i) => [
  {
    name,
    addrs: [`10.0.${i}.1/24`, `fd00::${i + 1}/64`],
    sockets: [
      'TCP 0.0.0.0:80 0.0.0.0:0 LISTEN nginx',
      // external peers: unmatched, keys with both address forms and varied ports
      `TCP 10.0.${i}.1:${40000 + i} 8.8.8.8:443 ESTABLISHED curl`,
      `TCP [fd00::${i + 1}]:${5000 + i * 7} [2001:db8::1]:8080 ESTABLISHED curl`,
      `TCP 10.0.${i}.1:9 203.0.113.${i}:80 ESTABLISHED curl`,
      // a shared address: every host owns 10.99.0.1 and listens on 80, so this client is ambiguous
      `TCP 10.0.${i}.1:${30000 + i} 10.99.0.1:80 ESTABLISHED wget`,
    ],
  },
])
for (const h of hosts) h.addrs!.push('10.99.0.1/24')

describe('lists in the order of their socket keys', () => {
  const file = writeTemp('order.json', graphDump(hosts))

  test('unmatched sockets by key then reason, ambiguities by client key, candidates by key', async () => {
    const m = await analyze({inputs: [file], states: 'any'})
    expect(m.unmatched.length).toBeGreaterThanOrEqual(names.length * 3)
    expect(m.ambiguities.length).toBe(names.length)
    for (const u of m.unmatched) expect(u.key).toBe(socketKey(u.host, u.socket))
    const sortedUnmatched = [...m.unmatched].sort((a, b) => cmp(a.key, b.key) || cmp(a.reason, b.reason))
    expect(m.unmatched.map((u) => u.key)).toStrictEqual(sortedUnmatched.map((u) => u.key))
    expect(m.ambiguities.map((a) => a.client)).toStrictEqual(m.ambiguities.map((a) => a.client).sort(cmp))
    for (const a of m.ambiguities) {
      expect(a.candidates).toStrictEqual([...a.candidates].sort(cmp))
      expect(a.candidates).toContain(a.chosen)
      expect(a.candidates.length).toBe(names.length)
    }
    // the order really is code points, not UTF-16 units: U+1F600 sorts after U+FFFD
    const hostOrder = [...new Set(m.unmatched.map((u) => u.host))]
    expect(hostOrder.indexOf('\u{1F600}x')).toBeGreaterThan(hostOrder.indexOf('\uFFFDx'))
  })

  test('streamed through the callbacks: the same head, entries and lists, in the same order', async () => {
    const whole = await analyze({inputs: [file], states: 'any'})
    let head: MatrixHead | undefined
    const entries: MatrixEntry[] = []
    const unmatched: UnmatchedSocket[] = []
    const ambiguities: Ambiguity[] = []
    const events: string[] = []
    const rest = await analyze({
      inputs: [file],
      states: 'any',
      lists: false,
      onHead: (h) => {
        head = h
        events.push('head')
      },
      onEntry: (e) => entries.push(e) && events.push('entry'),
      onUnmatched: (u) => unmatched.push(u) && events.push('unmatched'),
      onAmbiguity: (a) => ambiguities.push(a) && events.push('ambiguity'),
    })
    expect({...head, entries, unmatched, ambiguities}).toStrictEqual(whole)
    expect(rest.entries).toStrictEqual([])
    expect(rest.unmatched).toStrictEqual([])
    // the head comes first, then each list whole, in Matrix's order
    expect(events.join(' ')).toMatch(/^head( entry)+( unmatched)+( ambiguity)+$/)
  })
})
