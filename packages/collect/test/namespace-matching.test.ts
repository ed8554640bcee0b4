import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import {analyze} from '@fm/analyze'
import type {Matrix} from '@fm/model'
import {bundleToGraph, parseBundle, type Graph} from '../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'fm-collect-ns-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

interface Ns {
  id: number
  name?: string
  /** interface → CIDRs */
  addrs: Record<string, string[]>
  /** `PROTO LOCAL PEER SS-STATE NAME PID` */
  sockets: string[]
}

let inode = 1000
/** A collector bundle for one host, written the way fm-collect.sh writes it. */
function bundle(hostname: string, spaces: Ns[]): string {
  const hex = (s: string): string => Buffer.from(s).toString('hex')
  const out = ['#fm-collect 1', `hostname ${hex(hostname)}`, `own net:[${spaces[0].id}]`, 'mode all', '@fds']
  const pids = new Map<number, string>()
  const tables: string[] = []
  for (const ns of spaces) {
    if (ns.name) tables.push(`@netns net:[${ns.id}] ${hex(ns.name)}`)
    tables.push(`@ss net:[${ns.id}]`)
    for (const s of ns.sockets) {
      const [proto, local, peer, state, name, pid] = s.split(' ')
      const ino = inode++
      out.push(`${pid} ${ino}`)
      pids.set(Number(pid), name)
      tables.push(`${proto.toLowerCase()} ${state} 0 0 ${local} ${peer} ino:${ino} sk:1 <->`)
    }
    tables.push(`@addr net:[${ns.id}]`)
    let i = 1
    for (const [itf, cidrs] of Object.entries(ns.addrs)) {
      for (const c of cidrs) tables.push(`${i}: ${itf}    ${c.includes(':') ? 'inet6' : 'inet'} ${c} scope global ${itf}`)
      i++
    }
  }
  for (const [pid, name] of pids) out.push(`@pid ${pid}`, `comm ${hex(`${name}\n`)}`, `exe ${hex(`/usr/bin/${name}`)}`)
  return [...out, ...tables, '@end', ''].join('\n')
}

/** Analyzes hosts' bundles as one capture; `netns: false` strips the namespaces (what Skydive would show). */
async function run(hosts: Record<string, string>, netns = true): Promise<Matrix> {
  const graph: Graph = {Nodes: [], Edges: []}
  for (const [name, text] of Object.entries(hosts)) {
    const g = bundleToGraph(parseBundle(text), name).graph
    graph.Nodes.push(...g.Nodes)
    graph.Edges.push(...g.Edges)
  }
  if (!netns) for (const n of graph.Nodes) for (const s of ((n.Metadata as {Sockets?: Record<string, unknown>[]}).Sockets ?? [])) delete s.Netns
  const file = join(dir, `dump-${inode++}.json`)
  writeFileSync(file, JSON.stringify([graph]))
  return analyze({inputs: [file]})
}

const line = (m: Matrix): string[] => m.entries.map((e) => `${e.protocol} ${e.server.host} ${e.server.ip}:${e.server.port} ${e.server.name} <- ${e.client.host} ${e.client.ip} ${e.client.name}`)
const unmatched = (m: Matrix): string[] => m.unmatched.map((u) => `${u.reason} ${u.host} ${u.socket.name}`)

describe('with namespaces known, matching', () => {
  test('pairs loopback connections within one namespace only (two containers with the same loopback pair)', async () => {
    const h = bundle('h', [
      {id: 1, addrs: {lo: ['127.0.0.1/8'], eth0: ['10.0.0.1/24']}, sockets: []},
      {id: 2, name: 'a', addrs: {lo: ['127.0.0.1/8']}, sockets: ['TCP 127.0.0.1:6379 0.0.0.0:* LISTEN redis-a 10', 'TCP 127.0.0.1:6379 127.0.0.1:5000 ESTAB redis-a 10', 'TCP 127.0.0.1:5000 127.0.0.1:6379 ESTAB app-a 11']},
      {id: 3, name: 'b', addrs: {lo: ['127.0.0.1/8']}, sockets: ['TCP 127.0.0.1:6379 0.0.0.0:* LISTEN redis-b 20', 'TCP 127.0.0.1:6379 127.0.0.1:5000 ESTAB redis-b 20', 'TCP 127.0.0.1:5000 127.0.0.1:6379 ESTAB app-b 21']},
    ])
    const m = await run({h})
    expect(line(m)).toEqual(['TCP h 127.0.0.1:6379 redis-a <- h 127.0.0.1 app-a', 'TCP h 127.0.0.1:6379 redis-b <- h 127.0.0.1 app-b'])
    expect(m.ambiguities).toEqual([])
    // what Skydive's merged view makes of the same host: each client has two candidates
    const merged = await run({h}, false)
    expect(merged.stats.ambiguities).toBe(2)
  })

  test('keeps a loopback listener to its namespace: a client elsewhere finds no listener', async () => {
    const h = bundle('h', [
      {id: 1, addrs: {lo: ['127.0.0.1/8']}, sockets: ['TCP 127.0.0.1:41000 127.0.0.1:8080 ESTAB curl 30']},
      {id: 2, name: 'web', addrs: {lo: ['127.0.0.1/8']}, sockets: ['TCP 127.0.0.1:8080 0.0.0.0:* LISTEN nginx 31']},
    ])
    const m = await run({h})
    expect(line(m)).toEqual([])
    expect(unmatched(m)).toEqual(['no-listener h curl'])
    expect(line(await run({h}, false))).toEqual(['TCP h 127.0.0.1:8080 nginx <- h 127.0.0.1 curl'])
  })

  test("does not make a socket a server side because another namespace listens on its port", async () => {
    const h = bundle('h', [
      {id: 1, addrs: {eth0: ['10.0.0.1/24']}, sockets: ['TCP 10.0.0.1:8080 10.0.0.2:443 ESTAB agent 40']},
      {id: 2, name: 'c1', addrs: {eth0: ['172.17.0.2/16']}, sockets: ['TCP 0.0.0.0:8080 0.0.0.0:* LISTEN app 41']},
    ])
    const web = bundle('web', [{id: 1, addrs: {eth0: ['10.0.0.2/24']}, sockets: ['TCP 0.0.0.0:443 0.0.0.0:* LISTEN nginx 50', 'TCP 10.0.0.2:443 10.0.0.1:8080 ESTAB nginx 50']}])
    expect(line(await run({h, web}))).toEqual(['TCP web 10.0.0.2:443 nginx <- h 10.0.0.1 agent'])
    // merged, the agent's socket looks served by the container's listener: the connection is lost
    expect(line(await run({h, web}, false))).toEqual([])
  })

  test('resolves DESIGN rule 3 by the namespace that owns the address before guessing by name', async () => {
    // both hosts carry 10.0.0.5; on a-host it belongs to another namespace than the server socket
    const a = bundle('a', [
      {id: 1, addrs: {eth0: ['10.0.0.3/24']}, sockets: ['TCP 0.0.0.0:80 0.0.0.0:* LISTEN stale 60', 'TCP 10.0.0.5:80 10.0.0.1:40000 ESTAB stale 60']},
      {id: 2, name: 'vip', addrs: {eth0: ['10.0.0.5/24']}, sockets: []},
    ])
    const b = bundle('b', [{id: 1, addrs: {eth0: ['10.0.0.4/24', '10.0.0.5/24']}, sockets: ['TCP 0.0.0.0:80 0.0.0.0:* LISTEN nginx 70', 'TCP 10.0.0.5:80 10.0.0.1:40000 ESTAB nginx 70']}])
    const c = bundle('c', [{id: 1, addrs: {eth0: ['10.0.0.1/24']}, sockets: ['TCP 10.0.0.1:40000 10.0.0.5:80 ESTAB curl 80']}])
    const m = await run({'a-host': a, 'b-host': b, 'c-host': c})
    expect(line(m)).toEqual(['TCP b-host 10.0.0.5:80 nginx <- c-host 10.0.0.1 curl'])
    expect(m.ambiguities.map((x) => x.resolvedBy)).toEqual(['address-owner'])
    const merged = await run({'a-host': a, 'b-host': b, 'c-host': c}, false)
    expect(merged.ambiguities.map((x) => x.resolvedBy)).toEqual(['first-by-name'])
    expect(line(merged)).toEqual(['TCP a-host 10.0.0.5:80 stale <- c-host 10.0.0.1 curl'])
  })
})
