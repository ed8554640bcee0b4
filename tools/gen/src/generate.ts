import {cmp, socketKey} from '@fm/model'
import {csvField} from '@fm/render'
import {Deployment, DOCKER_BRIDGE, DOCKER_CONTAINER, PROCS, type Conn, type DeploymentOptions, type Expect} from './model.js'
import {hash32, rng, uuid} from './rng.js'

export {Deployment, type DeploymentOptions} from './model.js'

export interface GenerateOptions extends DeploymentOptions {
  /** Also produce a `G.Flows()` response (one flow per matched connection) and its ground truth. */
  flows?: boolean
}

/** What fm analyze must report on the dump with the default states (ESTABLISHED). */
export interface TruthSummary {
  hosts: number
  controllers: number
  computes: number
  hostsWithoutSockets: string[]
  sockets: number
  /** Rows of the CSV matrix. */
  entries: number
  matched: {socket: number; listener: number}
  unmatched: {external: number; 'no-listener': number; 'host-without-sockets': number}
  flows: number
}

/** A generated deployment: its dump and truth as streams of text chunks, nothing held whole. */
export interface GeneratedDeployment {
  /** The Skydive `G` response: `[{"Nodes":[...],"Edges":[...]}]`, one element per line. */
  dump(): Generator<string>
  /** The `G.Flows()` response `[flow, ...]` (empty unless `flows`). */
  flows(): Generator<string>
  /** The CSV fm prints (`fm analyze`), byte for byte: header, rows in fm's order, CRLF. */
  matrixCsv(): string
  /** What `fm analyze --list-no-peers` prints. */
  unmatchedCsv(): string
  /** The matrix with traffic columns summed from the flows (like `--format wide-csv`'s traffic). */
  flowsCsv(): string
  summary(): TruthSummary
}

const T0 = 1_764_000_000_000
const HEADER = 'protocol,server,server_ip,port,server_proc,server_procname,client,client_ip,client_proc,client_procname'

interface Row {
  fields: (string | number)[]
  bytesToServer: number
  bytesToClient: number
  packetsToServer: number
  packetsToClient: number
}

/**
 * Generates a seeded synthetic deployment of `hosts` hosts. The same options always give
 * byte-identical output. Example:
 * `const d = generateDeployment({hosts: 50, seed: 1}); for (const chunk of d.dump()) out.write(chunk)`
 */
export function generateDeployment(opts: GenerateOptions): GeneratedDeployment {
  const dep = new Deployment(opts)
  let truth: {rows: Row[]; unmatched: string[]; summary: TruthSummary} | null = null
  const getTruth = (): NonNullable<typeof truth> => (truth ??= computeTruth(dep, opts.flows ?? false))
  return {
    dump: () => dumpChunks(dep),
    flows: () => flowChunks(dep, opts.flows ?? false),
    matrixCsv: () => HEADER + '\r\n' + getTruth().rows.map((r) => r.fields.map(csvField).join(',') + '\r\n').join(''),
    unmatchedCsv: () => 'reason,host,protocol,local_ip,local_port,remote_ip,remote_port,state,proc,procname,pid\r\n' + getTruth().unmatched.join(''),
    flowsCsv: () =>
      HEADER + ',bytes_to_server,bytes_to_client,packets_to_server,packets_to_client\r\n' +
      getTruth().rows.map((r) => [...r.fields, r.bytesToServer, r.bytesToClient, r.packetsToServer, r.packetsToClient].map(csvField).join(',') + '\r\n').join(''),
    summary: () => getTruth().summary,
  }
}

function node(dep: Deployment, i: number, id: string, meta: Record<string, unknown>, rev = 1): string {
  const h = dep.host(i)
  const t = T0 + (hash32(dep.seed, i, 5) % 600_000)
  return JSON.stringify({ID: id, Metadata: meta, Host: h.name, Origin: `agent.${h.name}`, CreatedAt: t, UpdatedAt: t + rev * 1000, DeletedAt: null, Revision: rev})
}

function edge(dep: Deployment, i: number, n: number, relation: string, parent: string, child: string): string {
  const h = dep.host(i)
  const t = T0 + (hash32(dep.seed, i, 5) % 600_000)
  return JSON.stringify({ID: uuid(dep.seed, i, 100 + n), Metadata: {RelationType: relation}, Host: h.name, Origin: `agent.${h.name}`, CreatedAt: t, UpdatedAt: t, DeletedAt: null, Revision: 1, Parent: parent, Child: child})
}

const mac = (dep: Deployment, i: number, n: number): string =>
  [0x52, 0x54, ...[0, 1, 2, 3].map((b) => (hash32(dep.seed, i, 50 + n) >>> (8 * b)) & 255)].map((x) => x.toString(16).padStart(2, '0')).join(':')

/** Node ids of host i's graph nodes, shared by the node and edge writers. */
function ids(dep: Deployment, i: number): Record<'host' | 'lo' | 'eth0' | 'docker0' | 'netns' | 'ceth0' | 'veth' | 'brint', string> {
  return {
    host: dep.host(i).nodeId, lo: uuid(dep.seed, i, 10), eth0: uuid(dep.seed, i, 11), docker0: uuid(dep.seed, i, 12),
    netns: uuid(dep.seed, i, 13), ceth0: uuid(dep.seed, i, 14), veth: uuid(dep.seed, i, 15), brint: uuid(dep.seed, i, 16),
  }
}

function hostNodes(dep: Deployment, i: number): string[] {
  const h = dep.host(i)
  const id = ids(dep, i)
  const sockets = dep.sockets(i)
  const meta: Record<string, unknown> = {
    Name: h.hostname, Type: 'host', Hostname: h.hostname, OS: 'linux', Platform: 'centos', PlatformFamily: 'rhel', PlatformVersion: '9',
    KernelVersion: '5.14.0-362.el9.x86_64', VirtualizationRole: 'host',
    CPU: [0, 1].map((c) => ({CPU: c, CacheSize: 16384, CoreID: String(c), Cores: 1, Family: '6', Mhz: 2400, ModelName: 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz', VendorID: 'GenuineIntel'})),
    TID: h.tid,
  }
  if (sockets) meta.Sockets = sockets
  const iface = (n: number, name: string, type: string, extra: Record<string, unknown>): Record<string, unknown> => ({
    Name: name, Type: type, IfIndex: n, MAC: mac(dep, i, n), MTU: type === 'device' && name === 'lo' ? 65536 : 1500, State: 'UP',
    TID: uuid(dep.seed, i, 200 + n), ...extra,
  })
  const out = [
    node(dep, i, id.host, meta, sockets ? 12 : 3),
    node(dep, i, id.lo, iface(1, 'lo', 'device', {IPV4: ['127.0.0.1/8'], IPV6: ['::1/128']})),
    node(dep, i, id.eth0, iface(2, 'eth0', 'device', {IPV4: [`${h.ip4}/16`], IPV6: [`${h.ip6}/64`, `fe80::5054:ff:fe${(i & 0xff).toString(16).padStart(2, '0')}:${((i >> 8) & 0xffff).toString(16)}/64`], Speed: 10000})),
    node(dep, i, id.brint, iface(3, 'br-int', 'openvswitch', {})),
  ]
  if (h.role === 'compute') {
    out.push(
      node(dep, i, id.docker0, iface(4, 'docker0', 'bridge', {IPV4: [`${DOCKER_BRIDGE}/16`]})),
      node(dep, i, id.netns, {Name: `docker-${id.netns.slice(0, 12)}`, Type: 'netns', Path: `/var/run/docker/netns/${id.netns.slice(0, 12)}`, TID: uuid(dep.seed, i, 17)}),
      node(dep, i, id.ceth0, iface(5, 'eth0', 'veth', {IPV4: [`${DOCKER_CONTAINER}/16`]})),
      node(dep, i, id.veth, iface(6, `veth${id.veth.slice(0, 7)}`, 'veth', {})),
    )
  }
  return out
}

function hostEdges(dep: Deployment, i: number): string[] {
  const id = ids(dep, i)
  const out = [
    edge(dep, i, 1, 'ownership', id.host, id.lo),
    edge(dep, i, 2, 'ownership', id.host, id.eth0),
    edge(dep, i, 3, 'ownership', id.host, id.brint),
  ]
  if (dep.host(i).role === 'compute') {
    out.push(
      edge(dep, i, 4, 'ownership', id.host, id.docker0),
      edge(dep, i, 5, 'ownership', id.host, id.netns),
      edge(dep, i, 6, 'ownership', id.netns, id.ceth0),
      edge(dep, i, 7, 'ownership', id.host, id.veth),
      edge(dep, i, 8, 'layer2', id.docker0, id.veth),
      edge(dep, i, 9, 'layer2', id.veth, id.ceth0),
    )
  }
  return out
}

function* dumpChunks(dep: Deployment): Generator<string> {
  yield '[{"Nodes":[\n'
  for (let i = 0; i < dep.hosts; i++) yield (i ? ',\n' : '') + hostNodes(dep, i).join(',\n')
  yield '\n],"Edges":[\n'
  for (let i = 0; i < dep.hosts; i++) yield (i ? ',\n' : '') + hostEdges(dep, i).join(',\n')
  yield '\n]}]\n'
}

/** Matched connections (what flows are generated for) with their traffic. */
function traffic(dep: Deployment, c: Conn, n: number): {abBytes: number; baBytes: number; abPackets: number; baPackets: number} {
  const r = rng(dep.seed, c.client, 9, n)
  const abPackets = 10 + Math.floor(r() * 5000)
  const baPackets = 10 + Math.floor(r() * 5000)
  return {abPackets, baPackets, abBytes: abPackets * (66 + Math.floor(r() * 1400)), baBytes: baPackets * (66 + Math.floor(r() * 1400))}
}

const counted = (e: Expect | null): e is 'socket' | 'listener' => e === 'socket' || e === 'listener'

function* flowChunks(dep: Deployment, enabled: boolean): Generator<string> {
  yield '['
  let first = true
  if (enabled) {
    for (let i = 0; i < dep.hosts; i++) {
      const h = dep.host(i)
      if (!h.hasSockets) continue
      const conns = dep.connectionsFrom(i)
      const parts: string[] = []
      conns.forEach((c, n) => {
        if (!counted(c.expect)) return
        const t = traffic(dep, c, n)
        const v6 = c.clientIp.includes(':')
        const start = T0 + (hash32(dep.seed, i, 10, n) % 600_000)
        parts.push(JSON.stringify({
          UUID: uuid(dep.seed, i, 1000 + n), LayersPath: `Ethernet/${v6 ? 'IPv6' : 'IPv4'}/${c.protocol}`, Application: c.protocol,
          Network: {Protocol: v6 ? 'IPV6' : 'IPV4', A: c.clientIp, B: c.serverIp},
          Transport: {Protocol: c.protocol, A: c.clientPort, B: c.serverPort},
          Metric: {ABPackets: t.abPackets, ABBytes: t.abBytes, BAPackets: t.baPackets, BABytes: t.baBytes, Start: start, Last: start + 60_000},
          Start: start, Last: start + 60_000, NodeTID: h.tid,
        }))
      })
      if (parts.length) {
        yield (first ? '\n' : ',\n') + parts.join(',\n')
        first = false
      }
    }
  }
  yield first ? ']\n' : '\n]\n'
}

function computeTruth(dep: Deployment, withFlows: boolean): {rows: Row[]; unmatched: string[]; summary: TruthSummary} {
  const rows = new Map<string, Row>()
  const unmatched: {key: string; reason: string; line: string}[] = []
  const summary: TruthSummary = {
    hosts: dep.hosts, controllers: dep.controllers, computes: dep.hosts - dep.controllers, hostsWithoutSockets: [], sockets: 0, entries: 0,
    matched: {socket: 0, listener: 0}, unmatched: {external: 0, 'no-listener': 0, 'host-without-sockets': 0}, flows: 0,
  }
  for (let i = 0; i < dep.hosts; i++) {
    const h = dep.host(i)
    if (!h.hasSockets) {
      summary.hostsWithoutSockets.push(h.name)
      continue
    }
    summary.sockets += dep.sockets(i)!.length
    dep.connectionsFrom(i).forEach((c, n) => {
      if (c.expect === null) return
      const cp = PROCS[c.clientProc]
      if (!counted(c.expect)) {
        summary.unmatched[c.expect]++
        const pid = dep.pid(i, c.clientProc)
        unmatched.push({
          key: socketKey(h.name, {protocol: c.protocol, localAddress: c.clientIp, localPort: c.clientPort, remoteAddress: c.serverIp, remotePort: c.serverPort, pid}),
          reason: c.expect,
          line: [c.expect, h.name, c.protocol, c.clientIp, c.clientPort, c.serverIp, c.serverPort, c.clientState, cp.path, cp.name, pid].map(csvField).join(',') + '\r\n',
        })
        return
      }
      summary.matched[c.expect]++
      const sp = PROCS[c.serverProc]
      const fields = [c.protocol, dep.host(c.server).name, c.serverIp, c.serverPort, sp.path, sp.name, h.name, c.clientIp, cp.path, cp.name]
      const key = fields.join('\0')
      let row = rows.get(key)
      if (!row) rows.set(key, (row = {fields, bytesToServer: 0, bytesToClient: 0, packetsToServer: 0, packetsToClient: 0}))
      if (withFlows) {
        const t = traffic(dep, c, n)
        row.bytesToServer += t.abBytes
        row.bytesToClient += t.baBytes
        row.packetsToServer += t.abPackets
        row.packetsToClient += t.baPackets
        summary.flows++
      }
    })
  }
  const sorted = [...rows.values()].sort((a, b) => {
    const x = a.fields
    const y = b.fields
    for (let k = 0; k < x.length; k++) {
      const d = k === 3 ? (x[k] as number) - (y[k] as number) : cmp(String(x[k]), String(y[k]))
      if (d) return d
    }
    return 0
  })
  summary.entries = sorted.length
  summary.hostsWithoutSockets.sort(cmp)
  unmatched.sort((a, b) => cmp(a.key, b.key) || cmp(a.reason, b.reason))
  return {rows: sorted, unmatched: unmatched.map((u) => u.line), summary}
}
