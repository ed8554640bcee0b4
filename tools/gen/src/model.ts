import {hash32, rng, uuid} from './rng.js'

/**
 * The synthetic deployment: an OpenStack-like cloud of controllers and computes. Every fact
 * about host `i` (its addresses, listeners, connections) is a pure function of (seed, i), so
 * a dump of any size is written host by host without holding the deployment in memory.
 *
 * Layout: hosts 0..C-1 are controllers, in groups of three whose first member (the group's
 * primary) runs the shared MySQL and RabbitMQ and scrapes the computes of its group;
 * hosts C..N-1 are computes, compute k attached to controller (k - C) mod C.
 */
export interface DeploymentOptions {
  hosts: number
  seed: number
  /** Default: max(3, ceil(hosts / 100)). */
  controllers?: number
}

export interface Proc {
  path: string
  name: string
}

/** Processes by role; `name` is the comm (at most 15 characters), as socketinfo reports it. */
export const PROCS = {
  sshd: {path: '/usr/sbin/sshd', name: 'sshd'},
  chronyd: {path: '/usr/sbin/chronyd', name: 'chronyd'},
  dhclient: {path: '/usr/sbin/dhclient', name: 'dhclient'},
  mysqld: {path: '/usr/libexec/mysqld', name: 'mysqld'},
  rabbit: {path: '/usr/lib64/erlang/erts-12.3.2/bin/beam.smp', name: 'beam.smp'},
  epmd: {path: '/usr/lib64/erlang/erts-12.3.2/bin/epmd', name: 'epmd'},
  httpd: {path: '/usr/sbin/httpd', name: 'httpd'},
  novaApi: {path: '/usr/bin/python3.9', name: 'nova-api'},
  novaConductor: {path: '/usr/bin/python3.9', name: 'nova-conductor'},
  novaCompute: {path: '/usr/bin/python3.9', name: 'nova-compute'},
  neutronAgent: {path: '/usr/bin/python3.9', name: 'neutron-openvsw'},
  memcached: {path: '/usr/bin/memcached', name: 'memcached'},
  ovsdb: {path: '/usr/sbin/ovsdb-server', name: 'ovsdb-server'},
  ovnController: {path: '/usr/bin/ovn-controller', name: 'ovn-controller'},
  vswitchd: {path: '/usr/sbin/ovs-vswitchd', name: 'ovs-vswitchd'},
  unbound: {path: '/usr/sbin/unbound', name: 'unbound'},
  prometheus: {path: '/usr/bin/prometheus', name: 'prometheus'},
  nodeExporter: {path: '/usr/bin/node_exporter', name: 'node_exporter'},
  statsd: {path: '/usr/bin/statsd_exporter', name: 'statsd_exporter'},
  telegraf: {path: '/usr/bin/telegraf', name: 'telegraf'},
  libvirtd: {path: '/usr/sbin/libvirtd', name: 'libvirtd'},
  curl: {path: '/usr/bin/curl', name: 'curl'},
  dnf: {path: '/usr/bin/python3.9', name: 'dnf'},
  none: {path: '', name: ''},
} satisfies Record<string, Proc>

export type ProcKey = keyof typeof PROCS
const PROC_INDEX = Object.fromEntries(Object.keys(PROCS).map((k, i) => [k, i])) as Record<ProcKey, number>

/** The same bridge and container addresses on every compute (DESIGN's "same address on many hosts"). */
export const DOCKER_BRIDGE = '172.17.0.1'
export const DOCKER_CONTAINER = '172.17.0.2'
/** Client ports on computes chosen equal to ports controllers listen on (DESIGN rule 2's trap). */
export const LISTENED_ELSEWHERE = [3306, 5000, 8774, 11211]

export interface Host {
  index: number
  role: 'controller' | 'compute'
  /** The node's Host field: what fm prints as the host. */
  name: string
  hostname: string
  nodeId: string
  tid: string
  ip4: string
  ip6: string
  /** false: the node carries no Metadata.Sockets (agent down or too old). */
  hasSockets: boolean
  /** A compute whose node_exporter is not running: scrapes of it find no listener. */
  exporterDown: boolean
}

/** What fm must conclude for a client socket with the default states (ESTABLISHED); null: not counted. */
export type Expect = 'socket' | 'listener' | 'external' | 'no-listener' | 'host-without-sockets'

/** One connection, from its client's point of view. */
export interface Conn {
  protocol: 'TCP' | 'UDP'
  client: number
  clientIp: string
  clientPort: number
  clientProc: ProcKey
  clientState: string
  /** Host index of the server, -1 when no captured host owns the address. */
  server: number
  serverIp: string
  serverPort: number
  serverProc: ProcKey
  /** The server side's socket as that host reports it (IPv4-mapped on dual-stack listeners); null when not visible. */
  serverSide: {local: string; remote: string; state: string} | null
  expect: Expect | null
}

/** A socket in socketinfo's shape (field order as in real dumps). */
export interface RawSocket {
  LocalAddress: string
  LocalPort: number
  Name: string
  Pid: number
  Process: string
  Protocol: string
  RemoteAddress: string
  RemotePort: number
  State: string
}

export class Deployment {
  readonly hosts: number
  readonly seed: number
  readonly controllers: number

  constructor(opts: DeploymentOptions) {
    if (!Number.isInteger(opts.hosts) || opts.hosts < 4) throw new RangeError(`hosts must be an integer >= 4, got ${opts.hosts}`)
    if (!Number.isInteger(opts.seed)) throw new RangeError(`seed must be an integer, got ${opts.seed}`)
    this.hosts = opts.hosts
    this.seed = opts.seed
    this.controllers = opts.controllers ?? Math.max(3, Math.ceil(opts.hosts / 100))
    if (this.controllers < 1 || this.controllers >= this.hosts) throw new RangeError(`controllers must be between 1 and hosts - 1, got ${this.controllers}`)
  }

  host(i: number): Host {
    const C = this.controllers
    const controller = i < C
    const m = i - C
    const idx = i + 1
    return {
      index: i,
      role: controller ? 'controller' : 'compute',
      name: controller ? `ctrl-${String(i + 1).padStart(4, '0')}` : `cmp-${String(m + 1).padStart(5, '0')}`,
      hostname: controller ? `ctrl-${String(i + 1).padStart(4, '0')}.cloud.example.net` : `cmp-${String(m + 1).padStart(5, '0')}.cloud.example.net`,
      nodeId: uuid(this.seed, i, 1),
      tid: uuid(this.seed, i, 2),
      ip4: `10.${1 + (idx >> 16)}.${(idx >> 8) & 255}.${idx & 255}`,
      // one 16-bit group per 65,536 hosts: `fd00:10::18be7` (5 hex digits) is no IPv6 address
      ip6: idx > 0xffff ? `fd00:10::${(idx >>> 16).toString(16)}:${(idx & 0xffff).toString(16)}` : `fd00:10::${idx.toString(16)}`,
      hasSockets: controller || m % 97 !== 5,
      exporterDown: !controller && m % 89 === 7,
    }
  }

  /** The controller a compute is attached to. */
  controllerOf(k: number): number {
    return (k - this.controllers) % this.controllers
  }

  /** The primary of a controller's group. */
  primaryOf(j: number): number {
    return j - (j % 3)
  }

  /** Computes attached to controller j. */
  *computesOf(j: number): Generator<number> {
    for (let k = this.controllers + j; k < this.hosts; k += this.controllers) yield k
  }

  pid(host: number, proc: ProcKey): number {
    return proc === 'none' ? 0 : 1000 + (hash32(this.seed, host, 7, PROC_INDEX[proc]) % 60000)
  }

  /** Controllers' lists are asked for by every compute they serve: computed once (few, bounded). */
  private controllerConns = new Map<number, Conn[]>()

  /** Every connection host i opens as a client (whether or not its sockets are visible). */
  connectionsFrom(i: number): Conn[] {
    if (i < this.controllers) {
      let list = this.controllerConns.get(i)
      if (!list) this.controllerConns.set(i, (list = this.buildConnections(i)))
      return list
    }
    return this.buildConnections(i)
  }

  private buildConnections(i: number): Conn[] {
    const h = this.host(i)
    const r = rng(this.seed, i, 3)
    let next = 32768 + Math.floor(r() * 20000)
    const eph = (): number => {
      next += 1 + Math.floor(r() * 7)
      if (next > 60999) next = 32768 + (next % 1000)
      return next
    }
    const out: Conn[] = []
    const conn = (c: Omit<Conn, 'client'>): void => {
      out.push({client: i, ...c})
    }
    const mapped = (a: string): string => `::ffff:${a}`
    if (h.role === 'compute') {
      const m = i - this.controllers
      const ctrl = this.host(this.controllerOf(i))
      // RabbitMQ listens dual-stack on `::`: IPv4 clients appear IPv4-mapped on the server side.
      for (let t = 0; t < 3; t++) {
        const v6 = r() < 0.3
        const port = t === 0 && m % 7 === 2 ? LISTENED_ELSEWHERE[m % LISTENED_ELSEWHERE.length] : eph()
        const hidden = (t === 0 && m % 10 === 3) || r() < 0.04
        const cIp = v6 ? h.ip6 : h.ip4
        const sIp = v6 ? ctrl.ip6 : ctrl.ip4
        conn({
          protocol: 'TCP', clientIp: cIp, clientPort: port, clientProc: t < 2 ? 'novaCompute' : 'neutronAgent', clientState: 'ESTABLISHED',
          server: ctrl.index, serverIp: sIp, serverPort: 5672, serverProc: 'rabbit',
          serverSide: hidden ? null : {local: v6 ? sIp : mapped(sIp), remote: v6 ? cIp : mapped(cIp), state: 'ESTABLISHED'},
          expect: hidden ? 'listener' : 'socket',
        })
      }
      conn({
        protocol: 'TCP', clientIp: h.ip4, clientPort: eph(), clientProc: 'ovnController', clientState: 'ESTABLISHED',
        server: ctrl.index, serverIp: ctrl.ip4, serverPort: 6640, serverProc: 'ovsdb',
        serverSide: {local: ctrl.ip4, remote: h.ip4, state: 'ESTABLISHED'}, expect: 'socket',
      })
      // DNS over UDP: the resolver's socket is connected, the server's is not (listener match only).
      conn({
        protocol: 'UDP', clientIp: h.ip4, clientPort: eph(), clientProc: 'novaCompute', clientState: 'ESTABLISHED',
        server: ctrl.index, serverIp: ctrl.ip4, serverPort: 53, serverProc: 'unbound', serverSide: null, expect: 'listener',
      })
      if (m % 2 === 0) {
        conn({
          protocol: 'UDP', clientIp: h.ip6, clientPort: eph(), clientProc: 'neutronAgent', clientState: 'ESTABLISHED',
          server: ctrl.index, serverIp: ctrl.ip6, serverPort: 53, serverProc: 'unbound', serverSide: null, expect: 'listener',
        })
      }
      // The local OVS database over loopback: the same tuples exist on every compute.
      for (const proc of ['neutronAgent', 'vswitchd'] as const) {
        conn({
          protocol: 'TCP', clientIp: '127.0.0.1', clientPort: eph(), clientProc: proc, clientState: 'ESTABLISHED',
          server: i, serverIp: '127.0.0.1', serverPort: 6640, serverProc: 'ovsdb',
          serverSide: {local: '127.0.0.1', remote: '127.0.0.1', state: 'ESTABLISHED'}, expect: 'socket',
        })
      }
      // A container talks to the host's bridge address; groups of three computes share the very
      // same tuple, so the server socket exists on several hosts and the client's own host wins.
      conn({
        protocol: 'TCP', clientIp: DOCKER_CONTAINER, clientPort: 41000 + (Math.floor(m / 3) % 20000), clientProc: 'telegraf', clientState: 'ESTABLISHED',
        server: i, serverIp: DOCKER_BRIDGE, serverPort: 8125, serverProc: 'statsd',
        serverSide: {local: DOCKER_BRIDGE, remote: DOCKER_CONTAINER, state: 'ESTABLISHED'}, expect: 'socket',
      })
      conn({
        protocol: 'TCP', clientIp: h.ip4, clientPort: eph(), clientProc: 'curl', clientState: 'ESTABLISHED',
        server: -1, serverIp: `198.51.100.${1 + (m % 200)}`, serverPort: 443, serverProc: 'none', serverSide: null, expect: 'external',
      })
      if (m % 3 === 0) {
        conn({
          protocol: 'TCP', clientIp: h.ip6, clientPort: eph(), clientProc: 'dnf', clientState: 'ESTABLISHED',
          server: -1, serverIp: `2001:db8:ff::${((m % 65535) + 1).toString(16)}`, serverPort: 443, serverProc: 'none', serverSide: null, expect: 'external',
        })
      }
      // Noise that the default state filter must ignore.
      const timeWait = 8 + Math.floor(r() * 25)
      for (let t = 0; t < timeWait; t++) {
        conn({
          protocol: 'TCP', clientIp: h.ip4, clientPort: eph(), clientProc: 'none', clientState: 'TIME_WAIT',
          server: ctrl.index, serverIp: ctrl.ip4, serverPort: 5000, serverProc: 'httpd', serverSide: null, expect: null,
        })
      }
      if (r() < 0.3) {
        conn({
          protocol: 'TCP', clientIp: h.ip4, clientPort: eph(), clientProc: 'novaCompute', clientState: 'FIN_WAIT2',
          server: ctrl.index, serverIp: ctrl.ip4, serverPort: 8774, serverProc: 'novaApi',
          serverSide: {local: ctrl.ip4, remote: h.ip4, state: 'CLOSE_WAIT'}, expect: null,
        })
      }
      if (r() < 0.05) {
        conn({
          protocol: 'TCP', clientIp: h.ip4, clientPort: eph(), clientProc: 'novaCompute', clientState: 'SYN_SENT',
          server: ctrl.index, serverIp: ctrl.ip4, serverPort: 8774, serverProc: 'novaApi', serverSide: null, expect: null,
        })
      }
      return out
    }

    const p = this.host(this.primaryOf(i))
    for (const proc of ['novaConductor', 'novaConductor', 'novaConductor', 'httpd', 'httpd'] as const) {
      conn({
        protocol: 'TCP', clientIp: h.ip4, clientPort: eph(), clientProc: proc, clientState: 'ESTABLISHED',
        server: p.index, serverIp: p.ip4, serverPort: 3306, serverProc: 'mysqld',
        serverSide: {local: p.ip4, remote: h.ip4, state: 'ESTABLISHED'}, expect: 'socket',
      })
    }
    for (const v6 of [true, true, false]) {
      const cIp = v6 ? h.ip6 : h.ip4
      const sIp = v6 ? p.ip6 : p.ip4
      conn({
        protocol: 'TCP', clientIp: cIp, clientPort: eph(), clientProc: v6 ? 'novaApi' : 'novaConductor', clientState: 'ESTABLISHED',
        server: p.index, serverIp: sIp, serverPort: 5672, serverProc: 'rabbit',
        serverSide: {local: v6 ? sIp : mapped(sIp), remote: v6 ? cIp : mapped(cIp), state: 'ESTABLISHED'}, expect: 'socket',
      })
    }
    for (let t = 0; t < 2; t++) {
      conn({
        protocol: 'TCP', clientIp: '127.0.0.1', clientPort: eph(), clientProc: 'httpd', clientState: 'ESTABLISHED',
        server: i, serverIp: '127.0.0.1', serverPort: 11211, serverProc: 'memcached',
        serverSide: {local: '127.0.0.1', remote: '127.0.0.1', state: 'ESTABLISHED'}, expect: 'socket',
      })
    }
    conn({
      protocol: 'TCP', clientIp: h.ip4, clientPort: eph(), clientProc: 'novaApi', clientState: 'ESTABLISHED',
      server: i, serverIp: h.ip4, serverPort: 5000, serverProc: 'httpd',
      serverSide: {local: mapped(h.ip4), remote: mapped(h.ip4), state: 'ESTABLISHED'}, expect: 'socket',
    })
    if (this.primaryOf(i) === i) {
      // The group's Prometheus scrapes every compute of the group's controllers.
      for (let j = i; j < Math.min(i + 3, this.controllers); j++) {
        for (const k of this.computesOf(j)) {
          const c = this.host(k)
          const expect: Expect = !c.hasSockets ? 'host-without-sockets' : c.exporterDown ? 'no-listener' : 'socket'
          conn({
            protocol: 'TCP', clientIp: h.ip4, clientPort: eph(), clientProc: 'prometheus', clientState: 'ESTABLISHED',
            server: k, serverIp: c.ip4, serverPort: 9100, serverProc: 'nodeExporter',
            serverSide: c.exporterDown ? null : {local: mapped(c.ip4), remote: mapped(h.ip4), state: 'ESTABLISHED'}, expect,
          })
        }
      }
    }
    const timeWait = 5 + Math.floor(r() * 20)
    for (let t = 0; t < timeWait; t++) {
      conn({
        protocol: 'TCP', clientIp: h.ip4, clientPort: eph(), clientProc: 'none', clientState: 'TIME_WAIT',
        server: p.index, serverIp: p.ip4, serverPort: 3306, serverProc: 'mysqld', serverSide: null, expect: null,
      })
    }
    return out
  }

  /** Hosts that may open connections to host i (its own host included). */
  clientsOf(i: number): number[] {
    if (i >= this.controllers) return [this.primaryOf(this.controllerOf(i)), i]
    const group = this.primaryOf(i)
    const out = [...this.computesOf(i)]
    for (let j = group; j < Math.min(group + 3, this.controllers); j++) out.push(j)
    return out
  }

  /** Listening sockets of host i: TCP LISTEN, and unconnected UDP (State CLOSE, remote wildcard port 0). */
  listeners(i: number): RawSocket[] {
    const h = this.host(i)
    const tcp = (proc: ProcKey, addr: string, port: number): RawSocket => this.raw(i, 'TCP', proc, addr, port, addr.includes(':') ? '::' : '0.0.0.0', 0, 'LISTEN')
    const udp = (proc: ProcKey, addr: string, port: number): RawSocket => this.raw(i, 'UDP', proc, addr, port, addr.includes(':') ? '::' : '0.0.0.0', 0, 'CLOSE')
    const out = [tcp('sshd', '0.0.0.0', 22), tcp('sshd', '::', 22), udp('chronyd', '127.0.0.1', 323), udp('chronyd', '::1', 323), udp('chronyd', '0.0.0.0', 123)]
    if (h.role === 'compute') {
      out.push(tcp('libvirtd', '0.0.0.0', 16509), tcp('ovsdb', '127.0.0.1', 6640), tcp('statsd', '0.0.0.0', 8125), udp('dhclient', '0.0.0.0', 68))
      if (!h.exporterDown) out.push(tcp('nodeExporter', '::', 9100))
    } else {
      out.push(
        tcp('mysqld', '0.0.0.0', 3306), tcp('rabbit', '::', 5672), tcp('epmd', '0.0.0.0', 4369), tcp('httpd', '::', 5000),
        tcp('novaApi', '0.0.0.0', 8774), tcp('memcached', '0.0.0.0', 11211), tcp('ovsdb', '0.0.0.0', 6640),
        udp('unbound', '0.0.0.0', 53), udp('unbound', '::', 53), tcp('prometheus', '::', 9090),
      )
    }
    return out
  }

  raw(host: number, protocol: string, proc: ProcKey, la: string, lp: number, ra: string, rp: number, state: string): RawSocket {
    const p = PROCS[proc]
    return {LocalAddress: la, LocalPort: lp, Name: p.name, Pid: this.pid(host, proc), Process: p.path, Protocol: protocol, RemoteAddress: ra, RemotePort: rp, State: state}
  }

  /** Host i's whole socket table (all namespaces merged), in a seeded order; null when it has none. */
  sockets(i: number): RawSocket[] | null {
    const h = this.host(i)
    if (!h.hasSockets) return null
    const out = this.listeners(i)
    for (const c of this.connectionsFrom(i)) out.push(this.raw(i, c.protocol, c.clientProc, c.clientIp, c.clientPort, c.serverIp, c.serverPort, c.clientState))
    for (const k of this.clientsOf(i)) {
      for (const c of this.connectionsFrom(k)) {
        if (c.server !== i || !c.serverSide) continue
        out.push(this.raw(i, c.protocol, c.serverProc, c.serverSide.local, c.serverPort, c.serverSide.remote, c.clientPort, c.serverSide.state))
      }
    }
    const r = rng(this.seed, i, 4)
    // Administrators logged in from outside: server sides whose client no capture holds.
    if (r() < 0.2) out.push(this.raw(i, 'TCP', 'sshd', h.ip4, 22, `203.0.113.${1 + Math.floor(r() * 250)}`, 40000 + Math.floor(r() * 20000), 'ESTABLISHED'))
    for (let a = out.length - 1; a > 0; a--) {
      const b = Math.floor(r() * (a + 1))
      ;[out[a], out[b]] = [out[b], out[a]]
    }
    return out
  }
}
