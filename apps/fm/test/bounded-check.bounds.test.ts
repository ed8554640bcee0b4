import {fileURLToPath} from 'node:url'
import {describe, expect, test} from 'vitest'
import {runInSmallHeap, type SmallHeapRun} from '@fm/test-helpers'

// a memory bound (a child with a small heap): run by `npm test` after the other tests, alone (the vitest project "bounds")

const CHILD = fileURLToPath(new URL('fixtures/bounded-check-large.ts', import.meta.url))
const HEAP_MB = 64
function run(mode: 'bounded' | 'held' | 'regen-bounded' | 'regen-held', n: number): Promise<SmallHeapRun> {
  return runInSmallHeap(CHILD, [String(n), mode], {heapMb: HEAP_MB, timeoutMs: 170_000})
}

describe('a host-level check whose baseline is larger than the heap', () => {
  test('runs with the rules in a RuleTable and the report streamed; parsed and held, the same check does not fit', async () => {
    const n = 120_000 // host-pair rules, and as many entries, one per rule
    const held = await run('held', n)
    // the control: the limit is below what holding the rules and the report costs (else this test proves nothing)
    expect(held.status, held.out).not.toBe(0)
    expect(held.err).toMatch(/heap out of memory|Allocation failed/i)
    const streamed = await run('bounded', n)
    expect(streamed.status, streamed.err).toBe(0)
    expect(JSON.parse(streamed.out)).toEqual({ok: true, allowed: n, rules: n, junitTests: n})
  }, 240_000)

  test('is regenerated (--prune) with its plain rule lines copied from the file; as a YAML document, the same does not fit', async () => {
    const n = 120_000
    const held = await run('regen-held', n)
    expect(held.status, held.out).not.toBe(0)
    expect(held.err).toMatch(/heap out of memory|Allocation failed/i)
    const streamed = await run('regen-bounded', n)
    expect(streamed.status, streamed.err).toBe(0)
    expect(JSON.parse(streamed.out)).toEqual({added: n / 2, kept: n / 2, removed: n / 2})
  }, 240_000)
})
