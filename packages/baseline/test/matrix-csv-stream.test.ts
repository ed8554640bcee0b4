import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {parseMatrixCsv, readMatrixCsv} from '../src/index.js'
import type {CaptureInfo, MatrixEntry} from '@fm/model'

const HEADER = 'protocol,server,server_ip,port,server_proc,server_procname,client,client_ip,client_proc,client_procname'

/** readMatrixCsv of `text` cut into chunks at `cuts` (offsets), collecting what it hands over. */
async function streamed(text: string, cuts: number[]): Promise<{captures: CaptureInfo[]; entries: MatrixEntry[]}> {
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)
  async function* chunks(): AsyncGenerator<string> {
    let from = 0
    for (const c of at) {
      yield text.slice(from, c)
      from = c
    }
    yield text.slice(from)
  }
  const captures: CaptureInfo[] = []
  const entries: MatrixEntry[] = []
  await readMatrixCsv(chunks(), 'm.csv', {onCapture: (c) => captures.push(c), onEntry: (e) => entries.push(e)})
  return {captures, entries}
}

/** The outcome of reading: the observation, or the error message. */
const outcome = async (f: () => unknown): Promise<unknown> => {
  try {
    return await f()
  } catch (e) {
    return {error: (e as Error).message}
  }
}

const field = fc.oneof(fc.constantFrom('a', 'web-1', '10.0.0.1', '443', '', 'x,y', 'say "hi"', 'two\nlines', 'cr\r\nlf', "'=1+2"), fc.string({maxLength: 6}))
const quote = (v: string): string => (/[",\r\n]/.test(v) || v.startsWith("'") ? `"${v.replace(/"/g, '""')}"` : v)
const rowText = fc.tuple(fc.constantFrom('TCP', 'udp'), field, fc.constantFrom('10.0.0.1', '::ffff:10.0.0.2', 'fe80::1'), fc.constantFrom('80', '65535', '70000', 'x'), field, field, field, field, field, field).map((r) => r.map(quote).join(','))

describe('readMatrixCsv, streamed in chunks, reads what parseMatrixCsv reads from the whole text', () => {
  test('for any cut of the file; a bad file fails at its first bad line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowText, {maxLength: 12}),
        fc.constantFrom('\r\n', '\n'),
        fc.boolean(),
        fc.array(fc.nat(), {maxLength: 8}),
        fc.option(fc.nat({max: 11}), {nil: undefined}),
        async (rows, eol, bom, cuts, broken) => {
        const lines = rows.slice()
        // a broken row: too few fields, or an unclosed quote
        if (broken !== undefined && lines.length) lines[broken % lines.length] = broken % 2 ? 'TCP,a' : 'TCP,"open'
        const text = (bom ? '\ufeff' : '') + [HEADER, ...lines].join(eol) + eol
        const whole = await outcome(() => parseMatrixCsv(text, 'm.csv'))
        const piece = await outcome(async () => {
          const s = await streamed(text, cuts)
          expect(s.captures).toHaveLength(1)
          return {captures: s.captures, entries: s.entries}
        })
        if (!(whole as {error?: string}).error) {
          expect(piece).toEqual(whole)
          return
        }
        // streamed, the first problem in file order is reported; whole, a syntax error anywhere comes before a bad value
        const line = (o: unknown): number => Number(/line (\d+)/.exec((o as {error: string}).error)?.[1])
        expect((piece as {error?: string}).error).toBeDefined()
        expect(line(piece)).toBeLessThanOrEqual(line(whole))
      }),
    )
  })

  test.for([
    ['a row with too few fields on line 5, after a quoted line break', `${HEADER}\r\nTCP,a,10.0.0.1,80,p,p,c,10.0.0.2,q,q\r\n"multi\r\nline",a,10.0.0.1,80,p,p,c,10.0.0.2,q,q\r\nTCP,a\r\n`, /line 5: 2 fields, expected 10/],
    ['a port that is no number, on the second line of its row', `${HEADER}\n"x\ny",a,10.0.0.1,eighty,p,p,c,10.0.0.2,q,q\n`, /line 3, column 15: port must be a whole number/],
    ['no header', '', /line 1: expected the matrix CSV header/],
  ])('%s is reported with its line, in chunks of one character', async ([, text, want]) => {
    await expect(streamed(text as string, Array.from({length: (text as string).length}, (_, i) => i))).rejects.toThrow(want as RegExp)
  })
})
