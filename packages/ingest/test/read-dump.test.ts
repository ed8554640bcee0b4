import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import fc from 'fast-check'
import type {DumpRecord} from '@fm/model'
import {edgeToRecord, elementToRecord, nodeToRecord, readJsonDump, toSockets} from '@fm/ingest'
import {generateDeployment} from '@fm/gen'

const dir = mkdtempSync(join(tmpdir(), 'fm-read-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
let n = 0
const file = (text: string | Buffer): string => {
  const f = join(dir, `d${n++}.json`)
  writeFileSync(f, text)
  return f
}

async function read(text: string | Buffer, chunkSize?: number): Promise<DumpRecord[]> {
  const out: DumpRecord[] = []
  for await (const r of readJsonDump(file(text), {chunkSize})) out.push(r)
  return out
}

async function error(text: string | Buffer, chunkSize?: number): Promise<string> {
  const f = file(text)
  try {
    for await (const _ of readJsonDump(f, {chunkSize})) void _
  } catch (e) {
    return (e as Error).message.replace(`${f}: `, '')
  }
  throw new Error('no error')
}

/** What the reader must yield: the whole text parsed at once, walked like DESIGN's dump shapes. */
function reference(text: string): DumpRecord[] {
  const out: DumpRecord[] = []
  const graph = (g: Record<string, unknown>, path: string): void => {
    for (const [k, v] of Object.entries(g)) {
      if (k !== 'Nodes' && k !== 'Edges') continue
      ;((v ?? []) as unknown[]).forEach((x, i) => {
        const r = k === 'Nodes' ? nodeToRecord(x, `${path}.${k}[${i}]`) : edgeToRecord(x, `${path}.${k}[${i}]`)
        if (r) out.push(r)
      })
    }
  }
  const v = JSON.parse(text) as unknown
  if (!Array.isArray(v)) {
    graph(v as Record<string, unknown>, '$')
    return out
  }
  v.forEach((e: Record<string, unknown>, i) => {
    const keys = Object.keys(e)
    if (keys.length === 0) return
    if (keys[0] === 'Nodes' || keys[0] === 'Edges') return graph(e, `$[${i}]`)
    if (Array.isArray(e[keys[0]])) {
      for (const [k, s] of Object.entries(e)) out.push({kind: 'sockets', ownerId: k, sockets: toSockets(s, `$[${i}][${JSON.stringify(k)}]`)})
      return
    }
    const r = elementToRecord(e, `$[${i}]`)
    if (r) out.push(r)
  })
  return out
}

const sock = {LocalAddress: '::ffff:10.0.0.1', LocalPort: 80, RemoteAddress: '10.0.0.2', RemotePort: 40000, Protocol: 'tcp', State: 'ESTABLISHED', Process: '/usr/bin/a "quoted" \\ path', Pid: 1, Name: 'a\u00e9\u{1f600}'}
const host = {ID: 'h1', Host: 'agent-1', Metadata: {Type: 'host', Name: 'h1', Sockets: [sock], Nested: {a: [[{}]], s: '}]{["'}}}
const iface = {ID: 'i1', Host: 'agent-1', Metadata: {Type: 'device', Name: 'eth0', IPV4: ['10.0.0.1/24'], IPV6: ['FE80::1/64']}}
const edge = {ID: 'e1', Parent: 'h1', Child: 'i1', Metadata: {RelationType: 'ownership'}}
const flow = {UUID: 'f1', LayersPath: 'Ethernet/IPv4/TCP', Network: {Protocol: 'IPV4', A: '10.0.0.2', B: '10.0.0.1'}, Transport: {Protocol: 'TCP', A: 40000, B: 80}, Metric: {ABBytes: 5}}

const shapes = {
  'a G response as an array': JSON.stringify([{Nodes: [host, iface], Edges: [edge]}]),
  'a G response as an object, Edges first, pretty-printed': JSON.stringify({Edges: [edge], Other: {x: [1, {y: 2}]}, Nodes: [host, iface]}, null, '\t'),
  'a G response with null lists': JSON.stringify([{Nodes: null, Edges: null}]),
  'a node array (G.V())': JSON.stringify([host, iface, {ID: 'x'}]),
  'an edge array (G.E())': JSON.stringify([edge, {...edge, Metadata: {RelationType: 'layer2'}}]),
  'a flow array (G.Flows())': JSON.stringify([flow, flow]),
  'a Sockets() map': JSON.stringify([{h1: [sock, sock], 'odd "key"': []}]),
  'an empty array': '[]',
  'an empty object in an array': '[{}]',
  'a byte order mark and surrounding white space': '\ufeff \n' + JSON.stringify([host]) + '\n\n',
}

describe('readJsonDump', () => {
  test.for(Object.entries(shapes))('reads %s exactly like a whole-file JSON.parse', async ([, text]) => {
    const expected = reference(text.replace(/^\ufeff/, ''))
    expect(await read(text)).toEqual(expected)
  })

  test.for(Object.entries(shapes))('reads %s the same whatever the chunk size', async ([, text]) => {
    const expected = await read(text)
    for (const size of [1, 2, 3, 5, 8, 64]) expect(await read(text, size)).toEqual(expected)
  })

  test('reads a generated deployment like a whole-file JSON.parse, in any chunk size', async () => {
    const text = [...generateDeployment({hosts: 8, seed: 5}).dump()].join('')
    const expected = reference(text)
    expect(expected.length).toBeGreaterThan(50)
    for (const size of [97, 4096, 1 << 20]) expect(await read(text, size)).toEqual(expected)
  })

  test('any node array with any strings reads like JSON.parse, in any chunk size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ID: fc.string(), Metadata: fc.record({Type: fc.constantFrom('host', 'device', 'netns'), Name: fc.string(), IPV4: fc.array(fc.constantFrom('10.0.0.1/8', '::1/128', 'x'))}), Host: fc.string()}), {maxLength: 6}),
        fc.integer({min: 1, max: 40}),
        async (nodes, size) => {
        const text = JSON.stringify([{Nodes: nodes, Edges: []}])
        expect(await read(text, size)).toEqual(reference(text))
      }),
    )
  })

  const errors: {name: string; text: string; message: string}[] = [
    {name: 'a syntax error inside a record', text: '[{"Nodes":[{"ID":"a","Metadata":{"Type" "host"}}]}]', message: "invalid JSON at byte 40, in $[0].Nodes[0]: expected ':' after a property name"},
    {name: 'a missing comma between records', text: '[{"Nodes":[{"ID":"a"} {"ID":"b"}]}]', message: "invalid JSON at byte 22, in $[0].Nodes[1]: expected ',' or ']' after an array element"},
    {name: 'a bad literal', text: '[{"ID":"a","Metadata":tru}]', message: 'invalid JSON at byte 25, in $[0]: expected the literal true'},
    {name: 'a control character in a string', text: '[{"ID":"a\nb"}]', message: 'invalid JSON at byte 9, in $[0]: expected no control character inside a string (escape it)'},
    {name: 'a truncated graph', text: '[{"Nodes":[{"ID":"a","Metadata":{"Ty', message: 'truncated: the JSON ends at byte 36 inside $[0].Nodes[0]'},
    {name: 'a truncated top-level array', text: '[{"ID":"a"},', message: 'truncated: the JSON ends at byte 12 inside $[1]'},
    {name: 'data after the value', text: '[] []', message: 'unexpected data after the end of the JSON value at byte 3'},
    {name: 'a key that is not a string', text: '{Nodes: []}', message: 'invalid JSON at byte 1, in $: expected a double-quoted property name'},
    {name: 'a graph whose Nodes is no array', text: '{"Nodes": 5}', message: '$.Nodes: expected an array, got number 5'},
    {name: 'a top-level string', text: '"x"', message: '$: expected an array or an object (a Skydive response), got string "x"'},
    {name: 'an empty object', text: ' {\n} ', message: '$: expected a Skydive response (an array, or an object with Nodes and Edges), got an empty object'},
    {name: 'a port JSON numbers cannot hold', text: '[{"h1":[{"LocalAddress":"1.2.3.4","LocalPort":1e400,"Protocol":"TCP"}]}]', message: '$[0].h1[0].LocalPort: expected a port number (0-65535), got a number too large for a double (1e309 or beyond)'},
    {name: 'a host name of 5,000 characters', text: `[{"ID":"n","Host":"${'h'.repeat(5000)}","Metadata":{"Type":"host"}}]`, message: '$[0].Host: expected text of at most 4096 characters, got a string of 5000 characters'},
    {name: 'a Sockets() map keyed by a 5,000-character ID', text: `[{"${'k'.repeat(5000)}":[]}]`, message: `$[0]["${'k'.repeat(61)}..."]: expected text of at most 4096 characters, got a string of 5000 characters`},
    {name: 'an object that is no graph', text: '{"foo": 1}', message: '$: expected a Skydive response (an array, or an object with Nodes and Edges), got an object'},
    {name: 'a number where a node belongs', text: '[{"Nodes":[1]}]', message: '$[0].Nodes[0]: expected a node object, got number 1'},
    {name: 'a socket port out of range', text: '[{"h1":[{"LocalAddress":"1.2.3.4","LocalPort":70000,"Protocol":"TCP"}]}]', message: '$[0].h1[0].LocalPort: expected a port number (0-65535), got number 70000'},
  ]
  test.for(errors)('refuses $name with one line naming the byte or the path', async ({text, message}) => {
    expect(await error(text)).toBe(message)
    expect(await error(text, 3)).toBe(message)
  })

  test('refuses bytes that are not UTF-8 with the byte range of the record', async () => {
    const bytes = Buffer.concat([Buffer.from('[{"ID":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]')])
    expect(await error(bytes)).toBe('not UTF-8 text between bytes 1 and 12: expected a Skydive JSON response')
  })
})
