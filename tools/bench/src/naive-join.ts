import {readFileSync, writeFileSync} from 'node:fs'

interface Sock {
  Protocol: string
  LocalAddress: string
  LocalPort: number
  RemoteAddress: string
  RemotePort: number
  State: string
  Process: string
  Name: string
}
interface HostNode {
  Host: string
  Metadata?: {Type?: string; Sockets?: Sock[]}
}

/**
 * The baseline fm is measured against: what a user would write instead of fm, in memory. It
 * parses the whole `G` dump, indexes every established socket in a Map by its tuple, and pairs
 * each socket with the one whose tuple is its mirror image; the side whose host listens on its
 * local port is the server. It knows nothing of IPv4-mapped addresses, of the same address on
 * many hosts (the last socket indexed under a tuple wins) or of listener-only matches, and
 * writes the original's CSV columns (generated names need no quoting). Returns the row count.
 */
export function naiveJoin(dumpFile: string, csvFile: string): number {
  const parsed = JSON.parse(readFileSync(dumpFile, 'utf8')) as {Nodes: HostNode[]}[] | {Nodes: HostNode[]}
  const graph = Array.isArray(parsed) ? parsed[0] : parsed
  const tuple = (proto: string, a: string, p: number, b: string, q: number): string => `${proto}|${a}|${p}|${b}|${q}`
  const byTuple = new Map<string, {host: string; s: Sock}>()
  const listening = new Set<string>()
  for (const n of graph.Nodes) {
    if (n.Metadata?.Type !== 'host') continue
    for (const s of n.Metadata.Sockets ?? []) {
      if (s.State === 'LISTEN' || (s.Protocol === 'UDP' && s.RemotePort === 0)) listening.add(`${n.Host}|${s.Protocol}|${s.LocalPort}`)
      else if (s.State === 'ESTABLISHED') byTuple.set(tuple(s.Protocol, s.LocalAddress, s.LocalPort, s.RemoteAddress, s.RemotePort), {host: n.Host, s})
    }
  }
  const rows = new Set<string>()
  for (const {host, s} of byTuple.values()) {
    const server = byTuple.get(tuple(s.Protocol, s.RemoteAddress, s.RemotePort, s.LocalAddress, s.LocalPort))
    if (!server || !listening.has(`${server.host}|${s.Protocol}|${s.RemotePort}`)) continue
    rows.add([s.Protocol, server.host, s.RemoteAddress, s.RemotePort, server.s.Process, server.s.Name, host, s.LocalAddress, s.Process, s.Name].join(','))
  }
  const header = 'protocol,server,server_ip,port,server_proc,server_procname,client,client_ip,client_proc,client_procname'
  writeFileSync(csvFile, [header, ...rows].join('\r\n') + '\r\n')
  return rows.size
}
