import {describe, expect, test} from 'vitest'
import {parseBundle} from '../src/index.js'

// a ratio of times: run by `npm test` after the other tests, alone (the vitest project "bounds")
describe('parseBundle on hostile bundles', () => {
  test('costs about the same per line whether the lines repeat one interface or name a new one each', () => {
    const lines = (f: (i: number) => string, n: number): string => ['#fm-collect 1', 'own net:[1]', '@addr net:[1]', ...Array.from({length: n}, (_, i) => f(i)), '@end'].join('\n')
    const same = lines((i) => `2: eth0    inet 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32 scope global eth0`, 60_000)
    const distinct = lines((i) => `2: if${i}    inet 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32 scope global if${i}`, 60_000)
    const time = (text: string): number => {
      const t = process.hrtime.bigint()
      parseBundle(text)
      return Number(process.hrtime.bigint() - t)
    }
    time(same)
    time(distinct)
    const ratio = Math.min(...[0, 1, 2].map(() => time(distinct))) / Math.min(...[0, 1, 2].map(() => time(same)))
    expect(parseBundle(distinct).namespaces[0].interfaces).toHaveLength(60_000)
    // quadratic lookups would make the distinct names thousands of times slower
    expect(ratio).toBeLessThan(5)
  })
})
