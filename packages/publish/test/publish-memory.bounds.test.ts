import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {runInSmallHeap, type SmallHeapRun} from '@fm/test-helpers'
import {startFakeAnalyzer, type FakeAnalyzer} from '@fm/fake-analyzer'

const CHILD = fileURLToPath(new URL('fixtures/publish-large.ts', import.meta.url))
const ENTRIES = 20_000
const BULK = 2_000 // bytes per entry: ~40 MB of entries, more than the heap below allows
const HEAP_MB = 28

let fa: FakeAnalyzer
beforeAll(async () => {
  fa = await startFakeAnalyzer({graph: 'fixtures/skydive/two-agents.json'})
  // the fake takes the first message then drops the connection: it holds nothing large itself,
  // while fm has analysed, planned and started sending the whole matrix
  fa.faults.dropPublisherAfter = 1
})
afterAll(() => fa.stop())

/** Runs the child with a heap of HEAP_MB (asynchronously: the fake answers from this process). */
function run(mode: 'stream' | 'held'): Promise<SmallHeapRun> {
  return runInSmallHeap(CHILD, [fa.url.replace(/^https?:\/\//, ''), String(ENTRIES), String(BULK), mode], {heapMb: HEAP_MB, timeoutMs: 120_000})
}

describe('publish memory', () => {
  test('a matrix larger than the heap publishes when its entries stream; held whole, the same matrix does not fit', async () => {
    const held = await run('held')
    // the control: the limit is below what holding the entries costs (else this test proves nothing)
    expect(held.status, held.out).not.toBe(0)
    expect(held.err).toMatch(/heap out of memory|Allocation failed/i)

    const streamed = await run('stream')
    expect(streamed.status, streamed.err).toBe(0)
    const r = JSON.parse(streamed.out) as {error: string; message: string}
    // everything was planned (the count of messages is the whole matrix), then the fake dropped it
    expect(r.error).toBe('PartialResultError')
    const services = 97 + 389
    expect(r.message).toMatch(new RegExp(`after \\d+ of ${services + ENTRIES} messages were sent`))
  })
})
