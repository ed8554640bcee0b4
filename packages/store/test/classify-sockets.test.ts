import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import type {DumpRecord, Socket} from '@fm/model'
import {readJsonDump} from '@fm/ingest'
import {Store} from '@fm/store'
import {classifySockets} from '../src/classify-sockets.js'
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
    const roles = (): unknown[] => store.db.prepare('SELECT id, role FROM sockets ORDER BY id').all()
    const loaded = roles()
    store.db.exec('UPDATE sockets SET role = NULL')
    ;(store as unknown as {run(n: string, p: object): void}).run('classify', {capture: id})
    return [loaded, roles()]
  } finally {
    store.close()
  }
}

const s = (spec: Partial<Socket>): Socket => ({protocol: 'TCP', localAddress: '10.0.0.1', localPort: 80, remoteAddress: '10.0.0.2', remotePort: 40000, state: 'ESTABLISHED', process: '', pid: 0, name: '', ...spec})

describe('classifySockets', () => {
  test.for([
    {name: 'TCP LISTEN is a listener', sockets: [s({state: 'LISTEN', remoteAddress: '0.0.0.0', remotePort: 0})], roles: ['listener']},
    {name: 'unconnected UDP is a listener', sockets: [s({protocol: 'UDP', state: 'CLOSE', remoteAddress: '::', remotePort: 0})], roles: ['listener']},
    {name: 'a socket on a port `::` listens on is a server side, for IPv4 too', sockets: [s({state: 'LISTEN', localAddress: '::', remoteAddress: '::', remotePort: 0}), s({})], roles: ['listener', 'server']},
    {name: '0.0.0.0 serves IPv4 only', sockets: [s({state: 'LISTEN', localAddress: '0.0.0.0', remotePort: 0}), s({localAddress: 'fd00::1', remoteAddress: 'fd00::2'})], roles: ['listener', 'client']},
    {name: 'loopback listeners serve loopback of the same family', sockets: [s({state: 'LISTEN', localAddress: '127.0.0.1', remotePort: 0}), s({localAddress: '127.0.0.2', remoteAddress: '127.0.0.1'}), s({localAddress: '::1', remoteAddress: '::1'})], roles: ['listener', 'server', 'client']},
    {name: 'an ephemeral port listened on elsewhere is still a client', sockets: [s({localPort: 3306, remotePort: 5672})], roles: ['client']},
    {name: 'no remote endpoint is none', sockets: [s({state: 'CLOSE', remoteAddress: '0.0.0.0', remotePort: 0, protocol: 'TCP'})], roles: ['none']},
  ])('$name', ({sockets, roles}) => {
    expect(classifySockets(sockets)).toEqual(roles)
  })

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
