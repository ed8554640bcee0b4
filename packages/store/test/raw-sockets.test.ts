// The reading worker packs plain socket arrays straight from their bytes (@fm/ingest's
// rawSockets): whatever the input, the batches, or the error, must be those of the ordinary
// path (JSON.parse, toSocket, packSockets).
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import fc from 'fast-check'
import {afterAll, describe, expect, test} from 'vitest'
import {readJsonDump} from '@fm/ingest'
import {packRecords, type PackedBatch} from '../src/packed.js'

const dir = mkdtempSync(join(tmpdir(), 'fm-raw-sockets-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
let n = 0

/** JSON texts of values, the plain and the unusual (escapes, other number spellings, wrong types). */
const stringValue = fc.oneof(
  {weight: 6, arbitrary: fc.constantFrom('"TCP"', '"udp"', '"10.0.0.1"', '"::ffff:10.0.0.2"', '"FD00::1"', '"fe80::1%eth0"', '"0.0.0.0"', '"::"', '""', '"*"', '"LISTEN"', '"established"', '"/usr/bin/a b"', '"127.0.0.1"', '" 10.0.0.1"')},
  {weight: 1, arbitrary: fc.constantFrom('"a\\"b"', '"\\u0054CP"', '"é"', '"x\\ny"', 'null', '1', '[]', '{}', 'true', `"${'x'.repeat(4097)}"`, `"${'y'.repeat(4096)}"`)},
)
const numberValue = fc.oneof(
  {weight: 6, arbitrary: fc.constantFrom('0', '80', '65535', '40000', '9007199254740991', '123456789012345')},
  {weight: 1, arbitrary: fc.constantFrom('80.0', '8e1', '-0', '-1', '65536', '080', 'null', '"80"', '1.5', '9007199254740992', '1234567890123456', 'true')},
)
const KEYS = ['Protocol', 'LocalAddress', 'RemoteAddress', 'State', 'Process', 'Name', 'Netns', 'LocalPort', 'RemotePort', 'Pid'] as const
const isNumberKey = (k: string): boolean => k === 'LocalPort' || k === 'RemotePort' || k === 'Pid'
const ws = fc.constantFrom('', '', '', ' ', '\n  ', '\t')

const plainString = stringValue.filter((v) => v.startsWith('"') && !v.includes('\\') && v.length < 100 && !v.includes('é'))
const plainNumber = numberValue.filter((v) => /^(0|[1-9][0-9]{0,14})$/.test(v) && Number(v) <= 65535)

/** A socket object's text: every key once with a plain value (what the fast path reads), in any order. */
const plainSocket = fc.tuple(fc.shuffledSubarray([...KEYS], {minLength: 9}), fc.infiniteStream(fc.tuple(plainString, plainNumber, ws))).map(([keys, values]) => {
  const it = values[Symbol.iterator]()
  const parts = keys.map((k) => {
    const [s, num, w] = it.next().value as [string, string, string]
    return `${w}"${k}"${w}:${w}${isNumberKey(k) ? num : s}`
  })
  return `{${parts.join(',')}}`
})

/** Sometimes a key left out, doubled, misspelt or added, or a value of another spelling or type. */
const oddSocket = fc
  .tuple(
    fc.shuffledSubarray([...KEYS], {minLength: 7}),
    fc.array(fc.constantFrom('Protocol', 'LocalPort', 'Extra', 'protocol', 'Sockets'), {maxLength: 1}),
    fc.infiniteStream(fc.tuple(stringValue, numberValue, ws)),
  )
  .map(([keys, more, values]) => {
    const it = values[Symbol.iterator]()
    const parts = [...keys, ...more].map((k) => {
      const [s, num, w] = it.next().value as [string, string, string]
      return `${w}"${k}"${w}:${w}${isNumberKey(k) ? num : s}`
    })
    return `{${parts.join(',')}}`
  })
const socketText = fc.oneof({weight: 4, arbitrary: plainSocket}, {weight: 1, arbitrary: oddSocket})

const hostText = fc
  .tuple(fc.array(socketText, {maxLength: 5}), fc.constantFrom('', ',"TID":"t1"', ',"TID":5', ',"Sockets":[]', ',"Name":"a\\u0062"'), fc.constantFrom('host', 'netns'), fc.nat(3))
  .map(([sockets, extra, type, id]) => {
    const array = `[${sockets.join(', ')}]`
    return {array, node: `{"ID":"h${id}","Host":"agent${id}","Metadata":{"Type":"${type}","Name":"n${id}","Sockets":${array}${extra}}}`}
  })

async function batches(file: string, rawSockets: boolean): Promise<PackedBatch[] | string> {
  const out: PackedBatch[] = []
  try {
    for await (const b of packRecords(readJsonDump(file, {rawSockets, chunkSize: 97}), {batchWeight: 7, tableLimit: 5})) out.push(b)
  } catch (e) {
    return (e as Error).message
  }
  return out
}

describe('socket arrays read from their bytes', () => {
  test('pack the same batches, or fail with the same error, as JSON.parse and toSocket', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostText, {minLength: 1, maxLength: 4}), fc.boolean(), async (hosts, graph) => {
        const file = join(dir, `d${n++}.json`)
        // a G response (Nodes) or the top-level array of elements, and a Sockets() map
        const nodes = hosts.map((h) => h.node).join(',')
        writeFileSync(file, graph ? `[{"Nodes":[${nodes}]}]` : `[${nodes},{"h9":${hosts[0].array},"h8":${hosts.at(-1)!.array}}]`)
        expect(await batches(file, true)).toStrictEqual(await batches(file, false))
      }),
      {numRuns: 300},
    )
  })
})
