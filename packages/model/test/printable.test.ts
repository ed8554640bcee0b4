import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {oneLine, printable} from '../src/index.js'

describe('printable', () => {
  test.for([
    ['nova-api', 'nova-api'],
    ['a\u001b[31mred', 'a?[31mred'],
    ['two\nlines\r', 'two?lines?'],
    ['tab\there', 'tab?here'],
    ['del\u007f c1\u0085\u009b', 'del? c1??'],
    ['line\u2028para\u2029', 'line?para?'],
    ['evil\u202egnp.exe', 'evil?gnp.exe'],
    ['\u061c\u200e\u200f\u2066\u2069', '?????'],
    ['naïve 名前 😀', 'naïve 名前 😀'],
    ['', ''],
  ])('%j → %j', ([input, expected]) => {
    expect(printable(input)).toBe(expected)
  })

  test('keeps the length and leaves no control or bidi character', () => {
    fc.assert(
      fc.property(fc.string({unit: 'binary'}), (s) => {
        const p = printable(s)
        expect(p.length).toBe(s.length)
        expect(p).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/)
      }),
    )
  })
})

describe('oneLine', () => {
  test.for([
    ['401 Unauthorized', '401 Unauthorized'],
    ['  bad\r\n\r\nGremlin\tquery\n', 'bad Gremlin query'],
    ['a\u001b[2Jb', 'a [2Jb'],
    ['', ''],
  ])('%j → %j', ([input, expected]) => {
    expect(oneLine(input)).toBe(expected)
  })

  test('cuts a long text to the limit, ending in ...', () => {
    expect(oneLine('x'.repeat(301))).toBe('x'.repeat(297) + '...')
    expect(oneLine('x'.repeat(300))).toBe('x'.repeat(300))
    expect(oneLine('abcdefghij', 8)).toBe('abcde...')
  })
})
