import {fileURLToPath} from 'node:url'
import {describe, expect, test} from 'vitest'
import {runInSmallHeap, type SmallHeapRun} from '@fm/test-helpers'

// a memory bound (a child with a small heap): run by `npm test` after the other tests, alone (the vitest project "bounds")

const CHILD = fileURLToPath(new URL('fixtures/edge-spill-large.ts', import.meta.url))
const HEAP_MB = 48
function run(mode: 'stream' | 'held', n: number): Promise<SmallHeapRun> {
  return runInSmallHeap(CHILD, [String(n), mode], {heapMb: HEAP_MB, timeoutMs: 170_000})
}

describe('a host-level diff whose edges are larger than the heap', () => {
  test('streams through the spill; held in memory, the same edges do not fit', async () => {
    const n = 120_000 // one edge per entry, ~0.6 KB of names each, twice (both sides)
    const held = await run('held', n)
    // the control: the limit is below what holding the edges costs (else this test proves nothing)
    expect(held.status, held.out).not.toBe(0)
    expect(held.err).toMatch(/heap out of memory|Allocation failed/i)
    const streamed = await run('stream', n)
    expect(streamed.status, streamed.err).toBe(0)
    expect(JSON.parse(streamed.out)).toEqual({unchanged: n, different: false})
  }, 240_000)
})
