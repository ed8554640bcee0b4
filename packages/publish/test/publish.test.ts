import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest'
import {analyze} from '@fm/analyze'
import {capture} from '@fm/capture'
import {AnalyzerError, PartialResultError, type Matrix} from '@fm/model'
import {publish, uuidV5, type PublishOptions} from '@fm/publish'
import {graphJson, startFakeAnalyzer, type FakeAnalyzer, type FakeAnalyzerOptions} from '@fm/fake-analyzer'

const DUMP = 'fixtures/skydive/two-agents.json'
const PASSWORD = 'pub-7c1d-secret'
let matrix: Matrix
let work: string
const servers: FakeAnalyzer[] = []

beforeAll(async () => {
  matrix = await analyze({inputs: [DUMP]})
  work = mkdtempSync(join(tmpdir(), 'fm-publish-test-'))
})
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()))
})
afterAll(() => rmSync(work, {recursive: true, force: true}))

async function fake(opts: Partial<FakeAnalyzerOptions> = {}): Promise<FakeAnalyzer> {
  const fa = await startFakeAnalyzer({graph: DUMP, ...opts})
  servers.push(fa)
  return fa
}

const at = (fa: FakeAnalyzer, opts: Partial<PublishOptions> = {}): PublishOptions => ({analyzer: fa.url.replace(/^https?:\/\//, ''), retryDelayMs: 10, verifyAttempts: 2, ...opts})
/** The graph as the analyzer serves it, comparable across runs. */
const snapshot = (fa: FakeAnalyzer): string => JSON.stringify(graphJson(fa.graph), (_k, v: unknown) => v)
const fmNodes = (fa: FakeAnalyzer) => [...fa.graph.nodes.values()].filter((n) => n.Metadata?.Manager === 'fm')
const fmEdges = (fa: FakeAnalyzer) => [...fa.graph.edges.values()].filter((e) => e.Metadata?.Manager === 'fm')

describe('uuidV5', () => {
  test('gives the RFC 4122 name-based UUID (the DNS example)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2')
  })
})

describe('publish', () => {
  test('adds one node per service and one edge per matrix row, with the websocket headers Skydive expects', async () => {
    const fa = await fake()
    const r = await publish({...at(fa), matrix, now: () => 1000})
    const services = new Set(matrix.entries.flatMap((e) => [`${e.client.host}|${e.client.process}|${e.client.name}`, `${e.server.host}|${e.server.process}|${e.server.name}`]))
    expect(r.nodes).toEqual({added: services.size, updated: 0, unchanged: 0, deleted: 0})
    expect(r.edges).toEqual({added: matrix.entries.length, updated: 0, unchanged: 0, deleted: 0})
    expect(fmNodes(fa)).toHaveLength(services.size)
    expect(fmEdges(fa)).toHaveLength(matrix.entries.length)
    const h = fa.publisher.connections[0].headers
    expect([h['x-host-id'], h['x-client-type'], h['x-client-protocol'], h['x-persistence-policy']]).toEqual(['fm', 'fm', 'json', 'Persistent'])
    expect(fmNodes(fa).every((n) => n.Origin === 'fm.fm')).toBe(true)
    expect(fa.publisher.connections[0].errors).toEqual([])
  })

  test('publishing again changes nothing and duplicates nothing; a changed matrix is updated in place', async () => {
    const fa = await fake()
    await publish({...at(fa), matrix})
    const once = snapshot(fa)
    const again = await publish({...at(fa), matrix})
    expect(again.messages).toBe(0)
    expect(again.edges).toEqual({added: 0, updated: 0, unchanged: matrix.entries.length, deleted: 0})
    expect(snapshot(fa)).toBe(once)
    // one row gone and one row's count changed: one edge deleted, one updated, the rest untouched
    const [first, second, ...rest] = matrix.entries
    const changed: Matrix = {...matrix, entries: [{...second, connections: second.connections + 5}, ...rest]}
    const r = await publish({...at(fa), matrix: changed})
    expect(r.edges).toEqual({added: 0, updated: 1, unchanged: rest.length, deleted: 1})
    expect(fmEdges(fa)).toHaveLength(matrix.entries.length - 1)
    expect(fmEdges(fa).find((e) => e.Metadata?.Connections === second.connections + 5)?.Revision).toBe(2)
    expect(first).toBeDefined()
  })

  test('--delete leaves the graph exactly as it was before publishing', async () => {
    const fa = await fake()
    const before = snapshot(fa)
    await publish({...at(fa), matrix})
    expect(snapshot(fa)).not.toBe(before)
    const r = await publish({...at(fa), delete: true})
    expect(r.nodes.deleted + r.edges.deleted).toBeGreaterThan(0)
    expect(snapshot(fa)).toBe(before)
  })

  test('scopes keep two published matrices apart', async () => {
    const fa = await fake()
    await publish({...at(fa), matrix, scope: 'site-a'})
    await publish({...at(fa), matrix, scope: 'site-b'})
    expect(fmEdges(fa)).toHaveLength(2 * matrix.entries.length)
    await publish({...at(fa), delete: true, scope: 'site-a'})
    expect(fmEdges(fa).every((e) => e.Metadata?.FMScope === 'site-b')).toBe(true)
  })

  test('logs in, and what it publishes fm capture reads back; the matrix of that capture is unchanged', async () => {
    const fa = await fake({users: {admin: PASSWORD}})
    await publish({...at(fa), matrix, username: 'admin', password: PASSWORD})
    expect(fa.publisher.connections[0].headers.cookie).toMatch(/^authtoken=/)
    const out = join(work, 'readback')
    await capture({analyzer: at(fa).analyzer, username: 'admin', password: PASSWORD, out, full: true, toolVersion: 'test'})
    const back = await analyze({inputs: [out]})
    expect(back.entries).toEqual(matrix.entries)
    const {readFileSync, readdirSync} = await import('node:fs')
    const files = readdirSync(out, {recursive: true}).map(String).filter((f) => f.endsWith('.json') && !f.endsWith('manifest.json'))
    const text = files.map((f) => readFileSync(join(out, f), 'utf8')).join('')
    expect(text.match(/"RelationType":"fm-connection"/g)).toHaveLength(matrix.entries.length)
  })

  test.for([
    {name: 'a wrong password', opts: {username: 'admin', password: 'wrong'}, faults: {}, error: AnalyzerError, message: /login refused for user "admin" \(401\)/},
    {name: 'a dropped connection', opts: {username: 'admin', password: PASSWORD}, faults: {dropPublisherAfter: 3}, error: PartialResultError, message: /connection was dropped/},
  ])('$name gives a clear $error.name', async ({opts, faults, error, message}) => {
    const fa = await fake({users: {admin: PASSWORD}, faults})
    const err = await publish({...at(fa), matrix, ...opts}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AnalyzerError)
    expect((err as AnalyzerError).message).toMatch(message)
    expect(err).toBeInstanceOf(error)
    expect((err as AnalyzerError).message).not.toContain(PASSWORD)
  })

  test('after a dropped connection, publishing again completes the graph without duplicates', async () => {
    const fa = await fake({faults: {dropPublisherAfter: 4}})
    await expect(publish({...at(fa), matrix})).rejects.toBeInstanceOf(PartialResultError)
    fa.faults.dropPublisherAfter = undefined
    await publish({...at(fa), matrix})
    expect(fmEdges(fa)).toHaveLength(matrix.entries.length)
  })

  test('without a login, an analyzer with authentication refuses', async () => {
    const fa = await fake({users: {admin: PASSWORD}})
    // no login: the REST read is refused first, with the hint to log in
    await expect(publish({...at(fa), matrix})).rejects.toThrow(/requires authentication \(401\)/)
  })
})
