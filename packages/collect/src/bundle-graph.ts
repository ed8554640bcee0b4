import type {RecordCounts} from '@fm/ingest'
import type {Bundle, CollectedNamespace} from './parse-bundle.js'

/** A Skydive-shaped graph (what `G` returns): fm's readers take it as they take an analyzer's. */
export interface Graph {
  Nodes: Record<string, unknown>[]
  Edges: Record<string, unknown>[]
}

/** The name a namespace goes by in a capture: its first `ip netns` name, else the kernel's id. */
export function namespaceName(ns: CollectedNamespace): string {
  return ns.names[0] ?? ns.id
}

/**
 * Turns one host's bundle into Skydive's shape: a host node whose `Host` is the inventory name
 * (what fm prints) and whose `Metadata.Sockets` holds every namespace's sockets, each with a
 * `Netns` field; a netns node per namespace owned by the host; its interfaces (with IPV4/IPV6)
 * owned by the netns. Node ids are derived from the inventory name, so hosts never collide.
 */
export function bundleToGraph(bundle: Bundle, host: string): {graph: Graph; counts: RecordCounts} {
  const hostId = `fm-collect/${host}`
  const nodes: Record<string, unknown>[] = []
  const edges: Record<string, unknown>[] = []
  const sockets: Record<string, unknown>[] = []
  const counts: RecordCounts = {hosts: 1, sockets: 0, interfaces: 0, netns: 0, ownership: 0, flows: 0}
  const own = (parent: string, child: string): void => {
    edges.push({ID: `${parent}->${child}`, Parent: parent, Child: child, Host: host, Metadata: {RelationType: 'ownership'}})
    counts.ownership++
  }
  for (const ns of bundle.namespaces) {
    const name = namespaceName(ns)
    const nsId = `${hostId}/${ns.id}`
    nodes.push({ID: nsId, Host: host, Metadata: {Type: 'netns', Name: name, Names: ns.names, Inode: ns.id, Own: ns.own, Source: ns.source}})
    counts.netns++
    own(hostId, nsId)
    for (const itf of ns.interfaces) {
      const id = `${nsId}/${itf.name}`
      const cidr = (a: {address: string; prefix: number | null}): string => (a.prefix === null ? a.address : `${a.address}/${a.prefix}`)
      nodes.push({
        ID: id,
        Host: host,
        Metadata: {
          Type: itf.name === 'lo' ? 'loopback' : 'device',
          Name: itf.name,
          IPV4: itf.addresses.filter((a) => !a.address.includes(':')).map(cidr),
          IPV6: itf.addresses.filter((a) => a.address.includes(':')).map(cidr),
        },
      })
      counts.interfaces++
      own(nsId, id)
    }
    for (const s of ns.sockets) {
      sockets.push({
        Protocol: s.protocol,
        LocalAddress: s.localAddress,
        LocalPort: s.localPort,
        RemoteAddress: s.remoteAddress,
        RemotePort: s.remotePort,
        State: s.state,
        Process: s.process,
        Pid: s.pid,
        Name: s.name,
        Netns: name,
      })
    }
  }
  counts.sockets = sockets.length
  nodes.unshift({ID: hostId, Host: host, Metadata: {Type: 'host', Name: bundle.hostname || host, Hostname: bundle.hostname, Sockets: sockets}})
  return {graph: {Nodes: nodes, Edges: edges}, counts}
}
