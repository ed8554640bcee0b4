import {RecordCounter} from '../../src/record-counter.js'

/** Counts `data` with a RecordCounter of `role`, pushed in pieces cut at `cuts` (byte offsets). */
export function count(role: ConstructorParameters<typeof RecordCounter>[0], data: Buffer, cuts: number[] = []): ReturnType<RecordCounter['end']> {
  const c = new RecordCounter(role, 'the answer')
  let at = 0
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    c.push(data.subarray(at, cut))
    at = cut
  }
  c.push(data.subarray(at))
  return c.end()
}
