import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import type {Matrix} from '@fm/model'
import {JsonArrayWriter, MatrixJsonWriter, matrixToJson} from '../src/index.js'
import {syntheticMatrix} from '@fm/test-helpers'

function streamed(m: Matrix): string {
  let out = ''
  const w = new MatrixJsonWriter((t) => (out += t))
  w.head(m)
  for (const e of m.entries) w.entry(e)
  for (const u of m.unmatched) w.unmatched(u)
  for (const a of m.ambiguities) w.ambiguity(a)
  w.end()
  return out
}

// Any JSON values stand in for the items: the writer must not care what they hold.
const item = fc.jsonValue({maxDepth: 3})
const matrix = fc.record({
  schemaVersion: fc.constant(1 as const),
  states: fc.array(fc.string()),
  captures: fc.array(item, {maxLength: 2}),
  stats: fc.dictionary(fc.string(), item, {maxKeys: 4}),
  hostsWithoutSockets: fc.array(fc.string({unit: 'binary'}), {maxLength: 3}),
  entries: fc.array(item, {maxLength: 4}),
  unmatched: fc.array(item, {maxLength: 4}),
  ambiguities: fc.array(item, {maxLength: 4}),
}) as unknown as fc.Arbitrary<Matrix>

describe('MatrixJsonWriter', () => {
  test('writes the bytes matrixToJson writes, empty lists included', () => {
    fc.assert(
      fc.property(matrix, (m) => {
        expect(streamed(m)).toBe(matrixToJson(m))
      }),
      {numRuns: 300},
    )
  })

  test('a real-sized matrix (synthetic report matrix)', () => {
    const m = syntheticMatrix({hosts: 300, seed: 3})
    expect(streamed(m)).toBe(matrixToJson(m))
  })

  test('refuses lists out of order, and items before the head', () => {
    const w = new MatrixJsonWriter(() => undefined)
    expect(() => w.entry({} as never)).toThrow(/head first/)
    w.head({schemaVersion: 1, states: [], captures: [], stats: {} as never, hostsWithoutSockets: []})
    w.unmatched({} as never)
    expect(() => w.entry({} as never)).toThrow(/entries comes before it/)
  })
})

describe('JsonArrayWriter', () => {
  test('writes JSON.stringify(list, null, 2)', () => {
    fc.assert(
      fc.property(fc.array(item, {maxLength: 6}), (list) => {
        let out = ''
        const w = new JsonArrayWriter((t) => (out += t))
        for (const v of list) w.item(v)
        w.end()
        expect(out).toBe(JSON.stringify(list, null, 2))
      }),
    )
  })
})
