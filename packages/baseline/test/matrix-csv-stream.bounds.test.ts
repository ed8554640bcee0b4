import {fileURLToPath} from 'node:url'
import {describe, expect, test} from 'vitest'
import {runInSmallHeap, type SmallHeapRun} from '@fm/test-helpers'

// a memory bound (a child with a small heap): run by `npm test` after the other tests, alone (the vitest project "bounds")

const CHILD = fileURLToPath(new URL('fixtures/matrix-csv-large.ts', import.meta.url))
const HEAP_MB = 40
function run(mode: 'stream' | 'held', rows: number): Promise<SmallHeapRun> {
  return runInSmallHeap(CHILD, [String(rows), mode], {heapMb: HEAP_MB, timeoutMs: 120_000})
}

describe('a matrix CSV larger than the heap', () => {
  test('streams through readMatrixCsv; parsed whole, the same CSV does not fit', async () => {
    const rows = 300_000 // ~45 MB of CSV
    const held = await run('held', rows)
    // the control: holding the file and its rows costs more than the heap (else this test proves nothing)
    expect(held.status, held.out).not.toBe(0)
    expect(held.err).toMatch(/heap out of memory|Allocation failed|Invalid string length/i)
    const streamedRun = await run('stream', rows)
    expect(streamedRun.status, streamedRun.err).toBe(0)
    let connections = 0
    for (let i = 0; i < rows; i++) connections += 1 + (i % 7)
    expect(JSON.parse(streamedRun.out)).toEqual({entries: rows, connections})
  }, 180_000)
})
