import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import fc from 'fast-check'
import {afterAll, describe, expect, test} from 'vitest'
import {analyze} from '@fm/analyze'
import {readJsonDump} from '@fm/ingest'
import {addressFamily} from '@fm/model'
import type {Matrix, MatrixEntry} from '@fm/model'
import {writeDeployment} from '@fm/gen'
import {keyFromSecret, loadOrCreateKey, redactCapture, type MapKind} from '../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'fm-redact-test-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
let n = 0
const fresh = (name: string): string => join(dir, `${name}-${++n}`)

const KEY = keyFromSecret(Buffer.alloc(32, 1))
const OTHER_KEY = keyFromSecret(Buffer.alloc(32, 2))
const FIXTURE = new URL('../../../fixtures/skydive/two-agents.json', import.meta.url).pathname

/** The map file as pseudonym → original, per kind. */
function readMap(file: string): Map<MapKind, Map<string, string>> {
  const out = new Map<MapKind, Map<string, string>>()
  const lines = readFileSync(file, 'utf8').split('\r\n').filter(Boolean)
  expect(lines[0]).toBe('kind,original,pseudonym')
  for (const line of lines.slice(1)) {
    // generated names need no quoting; a quoted field would fail the split below loudly
    const [kind, original, pseudonym] = line.split(',') as [MapKind, string, string]
    if (!out.has(kind)) out.set(kind, new Map())
    out.get(kind)!.set(pseudonym, original)
  }
  return out
}

const entryKey = (e: MatrixEntry): string =>
  [e.protocol, e.server.host, e.server.ip, e.server.port, e.server.process, e.server.name, e.client.host, e.client.ip, e.client.process, e.client.name].join('\0')

function summary(m: Matrix) {
  return {entries: m.entries.length, matched: m.stats.matched, unmatched: m.stats.unmatched, ambiguities: m.stats.ambiguities, flows: m.stats.flows, hosts: m.stats.hosts, sockets: m.stats.sockets, captures: m.stats.captures}
}

describe('redactCapture on generated deployments', () => {
  test('the redacted capture analyses to the same counts, and every entry maps back to an original one through the map', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({min: 12, max: 70}), fc.integer({min: 1, max: 1_000_000}), fc.boolean(), async (hosts, seed, flows) => {
        const w = writeDeployment({hosts, seed, flows}, fresh('gen'))
        const inputs = flows ? [w.dump, w.flows!] : [w.dump]
        const original = await analyze({inputs, useFlows: flows})
        const out = fresh('redacted')
        const mapFile = fresh('map.csv')
        await redactCapture({inputs, out, key: KEY, map: mapFile, toolVersion: 'test'})
        const redacted = await analyze({inputs: [out], useFlows: flows})
        expect(summary(redacted)).toEqual(summary(original))

        const map = readMap(mapFile)
        const back = (kind: MapKind, v: string): string => map.get(kind)?.get(v) ?? v
        const originals = new Map(original.entries.map((e) => [entryKey(e), e]))
        for (const e of redacted.entries) {
          const o: MatrixEntry = {
            ...e,
            server: {host: back('host', e.server.host), ip: back('address', e.server.ip), port: e.server.port, process: back('path', e.server.process), name: back('process-name', e.server.name)},
            client: {host: back('host', e.client.host), ip: back('address', e.client.ip), process: back('path', e.client.process), name: back('process-name', e.client.name)},
          }
          const match = originals.get(entryKey(o))
          expect(match, `redacted entry ${entryKey(e)} maps back to no original entry`).toBeDefined()
          expect(e.connections).toBe(match!.connections)
          expect(e.methods).toEqual(match!.methods)
          expect(e.traffic).toEqual(match!.traffic)
          // and nothing of the entry was left as it was, but the kept classes
          expect(e.server.host).not.toBe(o.server.host)
          if (!/^(127\.|::1$)/.test(o.server.ip)) expect(e.server.ip).not.toBe(o.server.ip)
        }
      }),
      {numRuns: 6},
    )
  })
})

/** Every file under a folder, path → bytes. */
function tree(root: string): Map<string, Buffer> {
  return new Map(readdirSync(root, {recursive: true, encoding: 'utf8'}).filter((f) => statSync(join(root, f)).isFile()).sort().map((f) => [f, readFileSync(join(root, f))]))
}

describe('redactCapture', () => {
  test('gives the same bytes for the same inputs and key, and other pseudonyms for another key', async () => {
    const w = writeDeployment({hosts: 20, seed: 5, flows: true}, fresh('gen'))
    const inputs = [FIXTURE, w.dump, w.flows!]
    const [a, b, c] = [fresh('a'), fresh('b'), fresh('c')]
    const [ma, mb] = [fresh('ma.csv'), fresh('mb.csv')]
    await redactCapture({inputs, out: a, key: KEY, map: ma, toolVersion: 'test'})
    await redactCapture({inputs, out: b, key: KEY, map: mb, toolVersion: 'test'})
    await redactCapture({inputs, out: c, key: OTHER_KEY, toolVersion: 'test'})
    expect(tree(b)).toEqual(tree(a))
    expect(readFileSync(mb)).toEqual(readFileSync(ma))
    const hostsOf = (root: string): Set<string> => new Set(readFileSync(join(root, 'snapshot-2/hosts.json'), 'utf8').match(/host-[0-9a-f]{12}/g))
    const [ha, hc] = [hostsOf(a), hostsOf(c)]
    expect(ha.size).toBe(40) // 20 host names and their 20 hostnames
    expect([...ha].filter((h) => hc.has(h))).toEqual([])
    const manifest = JSON.parse(readFileSync(join(a, 'manifest.json'), 'utf8'))
    expect(manifest.redaction.keyFingerprint).toBe(KEY.fingerprint)
    expect(manifest.redaction.inputs).toEqual([{kind: 'dump', snapshots: 1}, {kind: 'dump', snapshots: 1}, {kind: 'dump', snapshots: 1}])
    expect(JSON.parse(readFileSync(join(c, 'manifest.json'), 'utf8')).redaction.keyFingerprint).not.toBe(KEY.fingerprint)
    // the map holds the originals: mode 0600, like the key
    expect(statSync(ma).mode & 0o777).toBe(0o600)
  })

  test('redacts an fm capture folder snapshot by snapshot, and its result again reads as a capture', async () => {
    const capture = new URL('../../../fixtures/capture/two-agents', import.meta.url).pathname
    const out = fresh('from-capture')
    await redactCapture({inputs: [capture], out, key: KEY, toolVersion: 'test'})
    const [o, r] = [await analyze({inputs: [capture]}), await analyze({inputs: [out]})]
    expect(summary(r)).toEqual(summary(o))
    const text = [...tree(out).values()].map((b) => b.toString()).join('\n')
    expect(text).not.toContain('127.0.0.1:18084') // the analyzer address of the original manifest
    expect(text).not.toContain('agent-1')
    await expect(redactCapture({inputs: [out], out: fresh('twice'), key: KEY, toolVersion: 'test'})).rejects.toThrow(/already redacted with this key/)
  })

  test('redacts a Sockets() map (socket tables keyed by host node ID) into a map the readers take for one', async () => {
    // the fixture's socket tables as `G.V().Has('Type', 'host').Sockets()` answers
    const graph = JSON.parse(readFileSync(FIXTURE, 'utf8')) as [{Nodes: {ID: string; Metadata: {Type: string; Sockets?: unknown[]}}[]}]
    const map: Record<string, unknown[]> = {}
    for (const node of graph[0].Nodes) {
      if (node.Metadata.Type !== 'host') continue
      map[node.ID] = node.Metadata.Sockets!
    }
    const m = fresh('sockets.json')
    writeFileSync(m, JSON.stringify([map]))
    const out = fresh('sockets-map')
    await redactCapture({inputs: [m], out, key: KEY, toolVersion: 'test'})
    const [o, r] = [await analyze({inputs: [m]}), await analyze({inputs: [out]})]
    expect(summary(r)).toEqual(summary(o))
    expect(r.stats.sockets).toBe(174)
    expect(readdirSync(join(out, 'snapshot-1'))).toEqual(['host-sockets.json'])
    expect(readFileSync(join(out, 'snapshot-1/host-sockets.json'), 'utf8')).toMatch(/^\[\{\n"id-[0-9a-f]{16}":\[/)
  })

  test('keeps every interface address\'s family and prefix length', async () => {
    const out = fresh('prefixes')
    await redactCapture({inputs: [FIXTURE], out, key: KEY, toolVersion: 'test'})
    const shape = async (file: string): Promise<string[]> => {
      const list: string[] = []
      for await (const r of readJsonDump(file)) if (r.kind === 'interface') list.push(r.addresses.map((a) => `${addressFamily(a.address)}/${a.prefix}`).join(' '))
      return list
    }
    const before = await shape(FIXTURE)
    expect(before.join(' ')).toContain('4/24')
    expect(await shape(join(out, 'snapshot-1/interfaces.json'))).toEqual(before)
  })

  test('refuses a map inside the output, and leaves nothing behind', async () => {
    const out = fresh('out')
    await expect(redactCapture({inputs: [FIXTURE], out, key: KEY, map: join(out, 'map.csv'), toolVersion: 'test'})).rejects.toThrow(/inside the redacted capture/)
    expect(existsSync(out)).toBe(false)
  })

  test('leaves nothing at the output or the map when an input is bad', async () => {
    const bad = fresh('bad.json')
    writeFileSync(bad, '[{"Nodes": [{"ID": "x", "Metadata": {"Type": "host", "Sockets": [{"LocalPort": "80"}]}}], "Edges": []}]')
    const out = fresh('out')
    const map = fresh('map.csv')
    await expect(redactCapture({inputs: [FIXTURE, bad], out, key: KEY, map, toolVersion: 'test'})).rejects.toThrow(/bad\.json/)
    expect(existsSync(out)).toBe(false)
    expect(existsSync(map)).toBe(false)
    expect(readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([])
  })

  test('stops at once when interrupted, leaving nothing', async () => {
    const w = writeDeployment({hosts: 40, seed: 2}, fresh('gen'))
    const out = fresh('out')
    const abort = new AbortController()
    abort.abort()
    await expect(redactCapture({inputs: [w.dump], out, key: KEY, toolVersion: 'test', signal: abort.signal})).rejects.toThrow(/interrupted/)
    expect(existsSync(out)).toBe(false)
  })
})

describe('loadOrCreateKey', () => {
  test('creates a random key file with mode 0600, then reads the same key back', async () => {
    const file = fresh('site.key')
    const first = await loadOrCreateKey(file)
    expect(first.created).toBe(true)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/)
    const again = await loadOrCreateKey(file)
    expect(again.created).toBe(false)
    expect(again.key.fingerprint).toBe(first.key.fingerprint)
    expect(again.key.names).toEqual(first.key.names)
    const other = await loadOrCreateKey(fresh('other.key'))
    expect(other.key.fingerprint).not.toBe(first.key.fingerprint)
    // the fingerprint gives nothing of the key
    expect(readFileSync(file, 'utf8')).not.toContain(first.key.fingerprint.slice(7))
  })

  test('refuses a file that is no key, without printing its content', async () => {
    const file = fresh('not-a-key')
    writeFileSync(file, 'secret-password-123\n')
    const e = await loadOrCreateKey(file).catch((x: Error) => x)
    expect((e as Error).message).toMatch(/not an fm redaction key/)
    expect((e as Error).message).not.toContain('secret-password')
  })
})
