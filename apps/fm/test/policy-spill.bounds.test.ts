import {fileURLToPath} from 'node:url'
import {describe, expect, test} from 'vitest'
import {runInSmallHeap, type SmallHeapRun} from '@fm/test-helpers'

// a memory bound (a child with a small heap): run by `npm test` after the other tests, alone (the vitest project "bounds")

const CHILD = fileURLToPath(new URL('fixtures/policy-spill-large.ts', import.meta.url))
const HEAP_MB = 48
function child(mode: string, n: number): Promise<SmallHeapRun> {
  return runInSmallHeap(CHILD, [String(n), mode], {heapMb: HEAP_MB, timeoutMs: 230_000})
}

describe('a policy and its check for an observation larger than the heap', () => {
  const n = 60_000 // 1,500 server hosts of 40 clients each, ~0.5 KB of names per entry
  const hosts = n / 40

  test('fm policy writes one host at a time; building it from the held observation does not fit', async () => {
    const held = await child('policy-held', n)
    // the control: the limit is below what holding the observation costs (else this test proves nothing)
    expect(held.status, held.out).not.toBe(0)
    expect(held.err).toMatch(/heap out of memory|Allocation failed/i)
    const streamed = await child('policy-stream', n)
    expect(streamed.status, streamed.err).toBe(0)
    expect(JSON.parse(streamed.out)).toEqual({files: hosts + 1})
  }, 300_000)

  test('fm check --policy evaluates one host at a time and streams its report; checkPolicy on the held observation does not fit', async () => {
    const held = await child('check-held', n)
    expect(held.status, held.out).not.toBe(0)
    expect(held.err).toMatch(/heap out of memory|Allocation failed/i)
    const streamed = await child('check-stream', n)
    expect(streamed.status, streamed.err).toBe(0)
    const r = JSON.parse(streamed.out) as {violations: number; allowed: number; bytes: number}
    // every entry its own edge (a client host each), and one intruder dropped on every 100th host
    expect({violations: r.violations, allowed: r.allowed}).toEqual({violations: hosts / 100, allowed: n})
    expect(r.bytes).toBeGreaterThan(n * 500)
  }, 300_000)
})
