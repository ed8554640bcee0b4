import type {Matrix, MatrixEntry, MatrixHead, UnmatchedSocket} from '@fm/model'
import {rng} from '@fm/gen'

const SERVICES = [
  'nova-api', 'nova-compute', 'neutron-server', 'neutron-agent', 'keystone', 'glance-api', 'cinder-api', 'cinder-volume', 'heat-api', 'horizon',
  'mysqld', 'rabbitmq', 'memcached', 'haproxy', 'etcd', 'kube-apiserver', 'kubelet', 'kube-proxy', 'coredns', 'prometheus',
  'node_exporter', 'grafana', 'elasticsearch', 'kibana', 'fluentd', 'redis-server', 'postgres', 'nginx', 'sshd', 'chronyd',
  'ceph-osd', 'ceph-mon', 'radosgw', 'zookeeper', 'kafka', 'consul', 'vault', 'telegraf', 'influxd', 'ovs-vswitchd',
  'libvirtd', 'qemu-kvm', 'dnsmasq', 'ntpd', 'postfix', 'salt-minion', 'salt-master', 'jenkins', 'gitlab', 'registry',
]

/**
 * A seeded synthetic Matrix shaped like a large deployment: `hosts` hosts running a few of 50
 * services each, every host a client of ~10 servers, a long tail of rare services, some
 * unmatched sockets and hosts without sockets.
 */
export function syntheticMatrix(opts: {hosts: number; seed?: number; traffic?: boolean}): Matrix {
  const r = rng(opts.seed ?? 1)
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]
  // Zipf-like popularity: a few services carry most of the traffic, the tail stays quiet.
  const popular = (): string => SERVICES[Math.min(SERVICES.length - 1, Math.floor(SERVICES.length * r() ** 2.5))]
  const host = (i: number): string => `host-${String(i).padStart(5, '0')}.dc${i % 3}.example.net`
  const ip = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
  const entries: MatrixEntry[] = []
  const unmatched: UnmatchedSocket[] = []
  for (let c = 0; c < opts.hosts; c++) {
    const clients = 6 + Math.floor(r() * 8)
    for (let k = 0; k < clients; k++) {
      const s = Math.floor(r() * opts.hosts)
      const service = popular()
      const client = pick(SERVICES)
      const connections = 1 + Math.floor(r() ** 3 * 40)
      entries.push({
        protocol: r() < 0.9 ? 'TCP' : 'UDP',
        server: {host: host(s), ip: ip(s), port: 1000 + SERVICES.indexOf(service) * 7, process: `/usr/bin/${service}`, name: service},
        client: {host: host(c), ip: ip(c), process: `/usr/bin/${client}`, name: client},
        connections,
        methods: [r() < 0.85 ? 'socket' : 'listener'],
        seen: 1,
        captureIds: [1],
        evidence: [],
        ...(opts.traffic ? {traffic: {bytesToServer: Math.floor(r() * 1e6), bytesToClient: Math.floor(r() * 1e7), packetsToServer: 10, packetsToClient: 20, first: 0, last: 60}} : {}),
      } as MatrixEntry)
    }
    if (r() < 0.8) {
      const name = pick(SERVICES)
      unmatched.push({
        host: host(c),
        key: `${host(c)}|TCP|${ip(c)}:${40000 + c % 20000}>203.0.113.${c % 200}:443|${c}`,
        reason: r() < 0.7 ? 'external' : 'no-listener',
        socket: {protocol: 'TCP', localAddress: ip(c), localPort: 40000 + (c % 20000), remoteAddress: `203.0.113.${c % 200}`, remotePort: 443, state: 'ESTABLISHED', process: `/usr/bin/${name}`, pid: c, name},
      })
    }
  }
  const hostsWithoutSockets = Array.from({length: Math.floor(opts.hosts / 100)}, (_, i) => host(opts.hosts + i))
  const count = (reason: string): number => unmatched.filter((u) => u.reason === reason).length
  const matched = entries.reduce((t, e) => t + e.connections, 0)
  return {
    schemaVersion: 1,
    states: ['ESTABLISHED'],
    captures: [{id: 1, source: `synthetic-${opts.hosts}`, format: 'synthetic', label: `seed ${opts.seed ?? 1}`, timeContext: null, startedAt: '2026-01-01T00:00:00Z', endedAt: '2026-01-01T00:01:00Z'}],
    stats: {
      captures: 1,
      hosts: opts.hosts + hostsWithoutSockets.length,
      hostsWithoutSockets: hostsWithoutSockets.length,
      sockets: matched * 2 + unmatched.length,
      listeners: opts.hosts * 4,
      serverSide: matched,
      clientSide: matched + unmatched.length,
      clientsConsidered: matched + unmatched.length,
      matched: {socket: matched, listener: 0, flow: 0},
      unmatched: {external: count('external'), 'no-listener': count('no-listener'), 'host-without-sockets': 0},
      ambiguities: 0,
    },
    hostsWithoutSockets,
    entries,
    unmatched,
    ambiguities: [],
  }
}

/** The head of a synthetic matrix of `hosts` hosts (counts only, no lists). */
export function syntheticHead(hosts: number): MatrixHead {
  const {entries: _e, unmatched: _u, ambiguities: _a, ...head} = syntheticMatrix({hosts: 0})
  return {...head, stats: {...head.stats, hosts}}
}

/**
 * `entries` distinct matrix entries made one at a time, never held: `hosts` hosts each running
 * `services` services, every (host, service) a client and a server within each cycle of
 * hosts × services entries, so whatever the report aggregates stops growing after one cycle
 * while the rows keep coming (each has its own client address).
 */
export function* syntheticEntries(opts: {entries: number; hosts?: number; services?: number}): Generator<MatrixEntry> {
  const hosts = opts.hosts ?? 200
  const services = Math.min(opts.services ?? 20, SERVICES.length)
  const cycle = hosts * services
  const host = (i: number): string => `host-${String(i).padStart(5, '0')}.example.net`
  const methods: MatrixEntry['methods'] = ['socket']
  for (let i = 0; i < opts.entries; i++) {
    const c = i % cycle
    const s = (c * 7919) % cycle // a bijection of the cycle: 7919 is prime, coprime with it
    const client = SERVICES[Math.floor(c / hosts)]
    const server = SERVICES[Math.floor(s / hosts)]
    yield {
      protocol: 'TCP',
      server: {host: host(s % hosts), ip: `10.1.${(s % hosts) >> 8}.${(s % hosts) & 255}`, port: 1000 + Math.floor(s / hosts), process: `/usr/bin/${server}`, name: server},
      client: {host: host(c % hosts), ip: `10.${128 + ((i >> 16) & 127)}.${(i >> 8) & 255}.${i & 255}`, process: `/usr/bin/${client}`, name: client},
      connections: 1 + (i % 17),
      methods,
      seen: 1,
      evidence: [],
    }
  }
}
