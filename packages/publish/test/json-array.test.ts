import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import fc from 'fast-check'
import {afterAll, describe, expect, test} from 'vitest'
import {forEachElement} from '../src/json-array.js'

const dir = mkdtempSync(join(tmpdir(), 'fm-json-array-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
let n = 0
async function elements(text: string): Promise<unknown[]> {
  const file = join(dir, `a${n++}.json`)
  writeFileSync(file, text)
  const out: unknown[] = []
  await forEachElement(file, (v) => out.push(v), (why) => new Error(`bad: ${why}`))
  return out
}

describe('forEachElement', () => {
  test('hands over the elements JSON.parse sees, in any layout', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue()), fc.constantFrom(0, 1, 2), async (values, indent) => {
        const text = JSON.stringify(values, null, indent)
        expect(await elements(text)).toEqual(JSON.parse(text))
      }),
      {numRuns: 60},
    )
  })

  test('elements across read chunks: a long string of quotes, backslashes and brackets', async () => {
    const long = '\\"]},['.repeat(40_000)
    const values = [{ID: 'a', s: long}, [long, {x: long}], 'tail']
    expect(await elements(JSON.stringify(values))).toEqual(values)
  })

  test.each([
    ['', []],
    ['  \n', []],
    ['[]', []],
    [' [ ] ', []],
    ['[1,"a,]",{"b":[2,3]}]', [1, 'a,]', {b: [2, 3]}]],
  ])('%j reads as %j', async (text, want) => {
    expect(await elements(text)).toEqual(want)
  })

  test.each([
    ['{"a":1}', /expected an array/],
    ['[1,2', /not closed/],
    ['[1,]', /element 1 is not JSON/],
    ['[1 2]', /element 0 is not JSON/],
    ['[1] x', /more after the array/],
    ['[{"a":}]', /element 0 is not JSON/],
  ])('%j is refused', async (text, why) => {
    await expect(elements(text)).rejects.toThrow(why)
  })
})
