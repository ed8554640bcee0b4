import {expect, test} from 'vitest'
import {locateJsonError} from '@fm/ingest'

// a ratio of times: run by `npm test` after the other tests, alone (the vitest project "bounds")
test('locating an error after a string of escapes costs at most 3x locating it after plain text', () => {
  // the error sits after one long string: the locator walks it once, whatever it holds
  const hostile = Buffer.from(`["${'\\"'.repeat(300_000)}" x]`)
  const plain = Buffer.from(`["${'ab'.repeat(300_000)}" x]`)
  expect(locateJsonError(hostile, 0, hostile.length)?.offset).toBe(hostile.length - 2)
  expect(locateJsonError(plain, 0, plain.length)?.offset).toBe(plain.length - 2)
  const fastest = (b: Buffer): number => {
    let best = Infinity
    for (let i = 0; i < 3; i++) {
      const t = performance.now()
      locateJsonError(b, 0, b.length)
      best = Math.min(best, performance.now() - t)
    }
    return best
  }
  expect(fastest(hostile) / fastest(plain)).toBeLessThanOrEqual(3)
})
