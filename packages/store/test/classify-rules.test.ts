import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import type {DumpRecord, Socket} from '@fm/model'
import {readJsonDump} from '@fm/ingest'
import {connectionOf, Store} from '../src/store.js'
import {writeDeployment} from '@fm/gen'

const dir = mkdtempSync(join(tmpdir(), 'fm-classify-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

/** Roles by socket id after loading, and after reclassifying everything with the SQL rules. */
async function rolesBothWays(records: AsyncIterable<DumpRecord> | DumpRecord[], name: string): Promise<[unknown[], unknown[]]> {
  const store = new Store(join(dir, `${name}.db`), {bulk: true})
  try {
    const id = store.addCapture({source: name, format: 'skydive-json', label: null, timeContext: null, startedAt: null, endedAt: null})
    await store.load(id, records)
    store.finishLoad(id)
    const roles = (): unknown[] => connectionOf(store).prepare('SELECT id, role FROM sockets ORDER BY id').all()
    const loaded = roles()
    connectionOf(store).exec('UPDATE socket_rows SET role = NULL')
    ;(store as unknown as {run(n: string, p: object): void}).run('classify', {capture: id})
    return [loaded, roles()]
  } finally {
    store.close()
  }
}

const s = (spec: Partial<Socket>): Socket => ({protocol: 'TCP', localAddress: '10.0.0.1', localPort: 80, remoteAddress: '10.0.0.2', remotePort: 40000, state: 'ESTABLISHED', process: '', pid: 0, name: '', ...spec})

// The pure rules have their own table in packages/match/test/rules.test.ts; here the store's SQL
// fragments (src/rules.ts) must agree with them on real and generated tables.
describe('classifySockets and the SQL rules', () => {
  test('agrees with the SQL rules on every socket of a generated deployment', async () => {
    const w = writeDeployment({hosts: 60, seed: 11}, join(dir, 'gen'))
    const [loaded, sql] = await rolesBothWays(readJsonDump(w.dump), 'gen')
    expect(loaded.length).toBeGreaterThan(1000)
    expect(loaded).toEqual(sql)
  })

  test('agrees with the SQL rules on the real two-agent dump', async () => {
    const [loaded, sql] = await rolesBothWays(readJsonDump('fixtures/skydive/two-agents.json'), 'real')
    expect(loaded).toEqual(sql)
  })

  test('a host whose sockets come in two records is classified as a whole', async () => {
    const listener = s({state: 'LISTEN', localAddress: '0.0.0.0', remoteAddress: '0.0.0.0', remotePort: 0})
    const records: DumpRecord[] = [
      {kind: 'host', nodeId: 'h', name: 'h', hostname: null, sockets: [s({})]},
      {kind: 'sockets', ownerId: 'h', sockets: [listener]},
    ]
    const [loaded] = await rolesBothWays(records, 'split')
    expect(loaded.map((r) => (r as {role: string}).role)).toEqual(['server', 'listener'])
  })
})
