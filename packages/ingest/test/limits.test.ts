import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {DumpScanner, MAX_RECORD_BYTES, MAX_STRING_BYTES} from '@fm/ingest'
import {keyStep, pathInRecord} from '../src/limits.js'

const MiB = 1 << 20

/**
 * Feeds a dump made of `pieces` (text, or a run of one byte `count` times, never held whole) to a
 * scanner `chunk` bytes at a time, as the readers do, and says how it ended and how many bytes it
 * had been given by then: what a refusal while streaming costs, whatever the dump's length.
 */
function scan(pieces: (string | {byte: string; count: number})[], chunk = MiB): {error: string | null; fed: number; records: number} {
  const s = new DumpScanner('d.json')
  let fed = 0
  let records = 0
  let pending: Buffer[] = []
  let pendingBytes = 0
  const flush = (force: boolean): void => {
    while (pendingBytes >= chunk || (force && pendingBytes > 0)) {
      const all = Buffer.concat(pending)
      const c = all.subarray(0, Math.min(chunk, all.length))
      pending = [all.subarray(c.length)]
      pendingBytes -= c.length
      fed += c.length
      s.push(Buffer.from(c))
      records += s.out.splice(0).length
    }
  }
  try {
    for (const p of pieces) {
      if (typeof p === 'string') {
        pending.push(Buffer.from(p))
        pendingBytes += Buffer.byteLength(p)
        flush(false)
        continue
      }
      const block = Buffer.alloc(Math.min(p.count, chunk), p.byte)
      for (let left = p.count; left > 0; left -= block.length) {
        pending.push(block.subarray(0, Math.min(block.length, left)))
        pendingBytes += Math.min(block.length, left)
        flush(false)
      }
    }
    flush(true)
    s.end(fed)
    records += s.out.splice(0).length
    return {error: null, fed, records}
  } catch (e) {
    return {error: (e as Error).message, fed, records}
  }
}

const host = (fields: string): string => `{"ID": "h1", "Host": "agent-1", ${fields}"Metadata": {"Type": "host", "Name": "agent-1", "Sockets": []}}`
const long = (count: number) => ({byte: 'a', count})
// 48 MiB: three times the bound, so a refusal at the end of the string would have read it all
const HUGE = 48 * MiB

describe('DumpScanner refuses a string past 16 MiB while it streams, wherever it is', () => {
  test.for([
    {where: 'a kept field (ID)', pieces: ['[{"Nodes": [{"ID": "', long(HUGE), '", "Metadata": {"Type": "host"}}], "Edges": []}]'], path: '$[0].Nodes[0].ID'},
    {where: 'a dropped field', pieces: ['[{"Nodes": [{"ID": "h", "Metadata": {"Type": "host", "Padding": "', long(HUGE), '"}}], "Edges": []}]'], path: '$[0].Nodes[0].Metadata.Padding'},
    {where: 'a socket of a Sockets() map', pieces: ['[{"n1": [{"Protocol": "TCP", "Note": "', long(HUGE), '"}]}]'], path: '$[0].n1[0].Note'},
    {where: 'an array of a flow', pieces: ['[{"UUID": "u", "LayersPath": ["a", "', long(HUGE), '"]}]'], path: '$[0].LayersPath[1]'},
  ])('in $where: refused at its path and opening quote, having read the bound and a chunk or two more', ({pieces, path}) => {
    const at = (pieces[0] as string).length - 1
    for (const chunk of [4096, MiB, 20 * MiB]) {
      const r = scan(pieces, chunk)
      expect(r.error).toBe(`d.json: ${path}: expected a string of at most 16 MiB (fm keeps texts of at most 4096 characters), got a longer one starting at byte ${at}`)
      expect(r.fed).toBeLessThanOrEqual(MAX_STRING_BYTES + at + 2 * chunk)
    }
  })

  test('a property name inside a record: named as one, at the object holding it', () => {
    const head = '[{"ID": "x", "Metadata": {"'
    const r = scan([head, long(HUGE), '": 1}}]'])
    expect(r.error).toBe(`d.json: $[0].Metadata: expected a property name of at most 16 MiB (fm keeps texts of at most 4096 characters), got a longer one starting at byte ${head.length - 1}`)
    expect(r.fed).toBeLessThan(MAX_STRING_BYTES + 3 * MiB)
  })

  test('eight long strings in dropped fields: refused at the first', () => {
    const fields = Array.from({length: 8}, (_, i) => [`"Note${i}": "`, long(20 * MiB), '", ']).flat()
    const head = `[${host('')}, {"ID": "h2", "Note0": "`
    const r = scan(['[', host(''), ', {"ID": "h2", ', ...fields, '"Metadata": null}]'])
    expect(r.error).toMatch(new RegExp(`^d\\.json: \\$\\[1\\]\\.Note0: expected a string of at most 16 MiB .* starting at byte ${head.length - 1}$`))
    expect(r.records).toBe(1)
    expect(r.fed).toBeLessThan(MAX_STRING_BYTES + 3 * MiB)
  })

  test('a string of exactly 16 MiB in a dropped field is read past, escapes counted as their bytes; one byte more is refused', () => {
    const exact = scan(['[{"ID": "h", "Note": "\\n', long(MAX_STRING_BYTES - 2), '", "Metadata": null}, ', host(''), ']'])
    expect(exact).toEqual({error: null, fed: expect.any(Number), records: 1})
    const over = scan(['[{"ID": "h", "Note": "\\n', long(MAX_STRING_BYTES - 1), '", "Metadata": null}, ', host(''), ']'])
    expect(over.error).toMatch(/^d\.json: \$\[0\]\.Note: expected a string of at most 16 MiB/)
  })

  test('a kept text of 10 MB (under the token bound) is still refused with its exact length once its record is read', () => {
    const r = scan(['[{"ID": "', long(10_000_000), '", "Metadata": null}]'])
    expect(r.error).toBe('d.json: $[0].ID: expected text of at most 4096 characters, got a string of 10000000 characters')
  })
})

describe('DumpScanner bounds a record to 64 MiB while it streams', () => {
  // `bytes` of record (from its `{` to its `}`) whose `Z` is filled with `fill`: no token is long, the record is
  const record = (bytes: number, fill: string) => {
    const head = '{"ID": "x", "Metadata": null, "Z": ['
    const tail = '0]}'
    return [`[${head}`, {byte: fill, count: bytes - head.length - tail.length}, `${tail}]`]
  }

  test('one byte over, or a record of small tokens four times the bound, is refused at the record having read the bound and a chunk more; a record of exactly the bound is read', () => {
    const over = scan(record(MAX_RECORD_BYTES + 1, ' '))
    expect(over.error).toBe('d.json: $[0]: expected a record of at most 64 MiB (a host node with some 200,000 sockets), got a longer one starting at byte 1')
    expect(over.fed).toBeLessThanOrEqual(MAX_RECORD_BYTES + 2 * MiB)
    // many small tokens (0,0,0,...), the fill an even number of bytes
    const endless = scan(record(4 * MAX_RECORD_BYTES + ('{"ID": "x", "Metadata": null, "Z": [0]}'.length % 2), '0,'))
    expect(endless.error).toBe(over.error)
    expect(endless.fed).toBeLessThanOrEqual(MAX_RECORD_BYTES + 2 * MiB)
    // white space, which JSON.parse turns into little
    expect(scan(record(MAX_RECORD_BYTES, ' '))).toEqual({error: null, fed: MAX_RECORD_BYTES + 2, records: 0})
  })
})

describe('DumpScanner bounds a token outside any record to 16 MiB', () => {
  test.for([
    {what: "a Sockets() map's node id", pieces: ['[{"', long(HUGE), '": []}]'], at: 1, path: '$[0]'},
    {what: 'a number beside a graph', pieces: ['{"Nodes": [], "X": 1', {byte: '1', count: HUGE}, '}'], at: 19, path: '$.X'},
    {what: "a string beside a graph's Nodes", pieces: ['{"Nodes": [], "Edges": [], "X": "', long(HUGE), '"}'], at: 32, path: '$.X'},
    {what: 'white space before the first name', pieces: ['[{', {byte: ' ', count: HUGE}, '"ID": "x"}]'], at: 1, path: '$[0]'},
  ])('$what: refused at its first byte, having read the bound and two chunks more', ({pieces, at, path}) => {
    for (const chunk of [64 * 1024, MiB]) {
      const r = scan(pieces, chunk)
      expect(r.error).toBe(`d.json: invalid JSON at byte ${at}, in ${path}: expected a property name or value of at most 16 MiB, got a longer one`)
      expect(r.fed).toBeLessThanOrEqual(MAX_STRING_BYTES + at + 3 * chunk)
    }
  })
})

describe('pathInRecord', () => {
  const MARK = '\u0001mark'
  type Step = {key: string} | {index: number}
  // siblings before each step, so the walker has to count elements and skip names and values
  const value = fc.jsonValue({maxDepth: 2}).filter((v) => !JSON.stringify(v).includes('\\u0001'))
  const step = fc.oneof(
    fc.record({key: fc.string({maxLength: 80}).filter((k) => !k.includes('\u0001')), before: fc.dictionary(fc.string({maxLength: 5}), value, {maxKeys: 3})}),
    fc.record({index: fc.nat(3), items: fc.array(value, {minLength: 3, maxLength: 3})}),
  )
  const build = (steps: (Step & {before?: Record<string, unknown>; items?: unknown[]})[], leaf: unknown): unknown =>
    steps.reduceRight<unknown>((inner, s) => {
      if ('key' in s) {
        const o: Record<string, unknown> = {}
        for (const [k, v] of Object.entries(s.before ?? {})) if (k !== s.key) o[k] = v
        o[s.key] = inner
        return o
      }
      return [...(s.items ?? []).slice(0, s.index), inner]
    }, leaf)
  const stepText = (s: Step): string => ('key' in s ? keyStep(s.key) : `[${s.index}]`)

  test('names the path of a string value anywhere in a record, read in any pieces', () => {
    fc.assert(
      fc.property(fc.array(step, {minLength: 1, maxLength: 5}), fc.nat(), (steps, cut) => {
        const text = Buffer.from(JSON.stringify(build(steps, MARK)))
        const at = text.indexOf(JSON.stringify(MARK))
        const k = cut % (at + 1)
        expect(pathInRecord([text.subarray(0, k), text.subarray(k)], at, '$[7]')).toEqual({path: `$[7]${steps.map(stepText).join('')}`, key: false})
      }),
    )
  })

  test('says a string is a property name, named by the object holding it', () => {
    fc.assert(
      fc.property(fc.array(step, {minLength: 0, maxLength: 4}), (steps) => {
        const text = Buffer.from(JSON.stringify(build(steps, {[MARK]: 1})))
        const at = text.indexOf(JSON.stringify(MARK))
        expect(pathInRecord([text], at, '$')).toEqual({path: `$${steps.map(stepText).join('')}`, key: true})
      }),
    )
  })
})
