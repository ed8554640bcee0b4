import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {REPO_ROOT} from './helpers/run-command.js'

/** The real Skydive dump every diff/baseline/check test starts from. */
export const TWO_AGENTS = join(REPO_ROOT, 'fixtures/skydive/two-agents.json')

export interface RawSocket {
  LocalAddress: string
  LocalPort: number
  RemoteAddress: string
  RemotePort: number
  Protocol: string
  State: string
  Process: string
  Pid: number
  Name: string
}

interface RawNode {
  Host?: string
  Metadata: {Type?: string; Sockets?: RawSocket[]}
}

export type Dump = {Nodes: RawNode[]; Edges: unknown[]}[]

/** A fresh deep copy of a dump file's JSON, to edit in a test. */
export function loadDump(file = TWO_AGENTS): Dump {
  return JSON.parse(readFileSync(file, 'utf8')) as Dump
}

/** The host nodes of a G dump, by their Host field. */
export function hostNode(dump: Dump, host: string): RawNode & {Metadata: {Sockets: RawSocket[]}} {
  const node = dump[0].Nodes.find((n) => n.Metadata.Type === 'host' && n.Host === host)
  if (!node?.Metadata.Sockets) throw new Error(`no host ${host} with sockets`)
  return node as RawNode & {Metadata: {Sockets: RawSocket[]}}
}

/** Adds one established connection on `host`: the client socket and the server socket that mirrors it. */
export function addConnection(dump: Dump, host: string, c: {client: Pick<RawSocket, 'LocalAddress' | 'LocalPort' | 'Process' | 'Name'>; server: Pick<RawSocket, 'LocalAddress' | 'LocalPort' | 'Process' | 'Name'>}): Dump {
  const sockets = hostNode(dump, host).Metadata.Sockets
  const base = {Protocol: 'TCP', State: 'ESTABLISHED', Pid: 4242}
  sockets.push({...base, ...c.client, RemoteAddress: c.server.LocalAddress, RemotePort: c.server.LocalPort})
  sockets.push({...base, ...c.server, Pid: 4343, RemoteAddress: c.client.LocalAddress, RemotePort: c.client.LocalPort})
  return dump
}

/** Removes, on every host, the sockets the predicate picks. */
export function removeSockets(dump: Dump, pick: (s: RawSocket) => boolean): Dump {
  for (const n of dump[0].Nodes) if (n.Metadata.Sockets) n.Metadata.Sockets = n.Metadata.Sockets.filter((s) => !pick(s))
  return dump
}

/** A temporary folder for one test file, removed by the returned cleanup. */
export function scratch(prefix: string): {dir: string; file: (name: string, content: string | object) => string; cleanup: () => void} {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return {
    dir,
    file: (name, content) => {
      const p = join(dir, name)
      writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content))
      return p
    },
    cleanup: () => rmSync(dir, {recursive: true, force: true}),
  }
}

/** The fixture with one more connection: curl on agent-1 to skydive's listener on 192.168.50.254:12380. */
export function withCurlToSkydive(): Dump {
  return addConnection(loadDump(), 'agent-1', {
    client: {LocalAddress: '192.168.50.254', LocalPort: 51000, Process: '/usr/bin/curl', Name: 'curl'},
    server: {LocalAddress: '192.168.50.254', LocalPort: 12380, Process: '/home/safchain/go/bin/skydive', Name: 'skydive'},
  })
}
