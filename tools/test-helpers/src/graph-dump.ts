/** A host of a test deployment: interface addresses (CIDR), optional netns ones, sockets in short form. */
export interface TestHost {
  name: string
  addrs?: string[]
  netns?: Record<string, string[]>
  /** `PROTO LOCAL REMOTE STATE PROC`, e.g. `TCP 10.0.0.1:80 10.0.0.2:40000 ESTABLISHED nginx`; undefined: no Sockets at all. */
  sockets?: string[]
}

/** Parses `10.0.0.1:80` or `[::1]:80`. */
function endpoint(s: string): [string, number] {
  const m = /^\[(.*)\]:(\d+)$/.exec(s) ?? /^(.*):(\d+)$/.exec(s)
  if (!m) throw new Error(`bad endpoint ${s}`)
  return [m[1], Number(m[2])]
}

let pid = 100
/** One socketinfo entry from its short form. */
export function socket(spec: string): Record<string, unknown> {
  const [protocol, local, remote, state, proc] = spec.trim().split(/\s+/)
  const [la, lp] = endpoint(local)
  const [ra, rp] = endpoint(remote)
  return {LocalAddress: la, LocalPort: lp, RemoteAddress: ra, RemotePort: rp, Protocol: protocol, State: state, Process: `/usr/bin/${proc}`, Name: proc, Pid: pid++ % 1000}
}

/** A Skydive `G` response (`[{Nodes, Edges}]`) for the hosts, shaped like the real fixture. */
export function graphDump(hosts: TestHost[]): {Nodes: Record<string, unknown>[]; Edges: Record<string, unknown>[]}[] {
  const Nodes: Record<string, unknown>[] = []
  const Edges: Record<string, unknown>[] = []
  const own = (parent: string, child: string): void => {
    Edges.push({ID: `e-${parent}-${child}`, Host: 'analyzer', Parent: parent, Child: child, Metadata: {RelationType: 'ownership'}})
  }
  const iface = (host: string, id: string, cidrs: string[], name: string): void => {
    const v4 = cidrs.filter((c) => !c.includes(':'))
    const v6 = cidrs.filter((c) => c.includes(':'))
    Nodes.push({ID: id, Host: host, Metadata: {Type: 'veth', Name: name, ...(v4.length ? {IPV4: v4} : {}), ...(v6.length ? {IPV6: v6} : {})}})
  }
  for (const h of hosts) {
    const hid = `host-${h.name}`
    Nodes.push({
      ID: hid,
      Host: h.name,
      Metadata: {Type: 'host', Name: h.name, ...(h.sockets ? {Sockets: h.sockets.map(socket)} : {})},
    })
    iface(h.name, `${hid}-lo`, ['127.0.0.1/8', '::1/128'], 'lo')
    own(hid, `${hid}-lo`)
    if (h.addrs?.length) {
      iface(h.name, `${hid}-eth0`, h.addrs, 'eth0')
      own(hid, `${hid}-eth0`)
    }
    for (const [ns, cidrs] of Object.entries(h.netns ?? {})) {
      const nid = `${hid}-ns-${ns}`
      Nodes.push({ID: nid, Host: h.name, Metadata: {Type: 'netns', Name: ns}})
      own(hid, nid)
      iface(h.name, `${nid}-eth0`, cidrs, 'eth0')
      own(nid, `${nid}-eth0`)
    }
  }
  return [{Nodes, Edges}]
}
