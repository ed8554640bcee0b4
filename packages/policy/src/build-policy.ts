import {cmp, isLoopback, isWildcard, serviceName, type HostListening, type MatrixEntry, type ServedPeer} from '@fm/model'
import {firstMatchingRule, type Baseline, type Observation} from '@fm/baseline'
import type {AllowFrom} from './allow-from.js'
import {arrivesOnLoopback} from './arrives-on-loopback.js'
import {netText, normalizeNets, parseNet, widen, type Net} from './cidr.js'
import {peerEntry} from './peer-entry.js'
import type {AcceptRule, HostPolicy, Policy, PolicyMode, Reason, ServicePolicy, Unallowed} from './types.js'

export interface BuildPolicyOptions {
  mode?: PolicyMode
  /** Widen IPv4 / IPv6 client addresses to networks of this many bits (`--aggregate /24`). */
  aggregate?: {v4?: number | null; v6?: number | null}
  /** Only connections this baseline allows become rules; the others are listed as dropped. */
  baseline?: {file: string; baseline: Baseline}
  /** The host's own addresses and listeners, per host name (from the analysis). */
  listening?: Iterable<HostListening>
  /** Peers seen on server-side sockets that no client was matched to: kept as clients of their port. */
  peers?: Iterable<ServedPeer>
  /** Admin networks let in besides what was observed (`--allow-from`). */
  allowFrom?: AllowFrom[]
}

type Listener = HostListening['listeners'][number]

/** What building any host's policy needs: the options, resolved once (the baseline's rules compiled). */
export interface PolicyContext {
  mode: PolicyMode
  aggregate: {v4: number | null; v6: number | null}
  baseline: string | null
  verdict: (e: MatrixEntry) => Verdict
  allowFrom: AllowFrom[]
}

/** The options of buildPolicy resolved once, for hostPolicyOf. */
export function policyContext(opts: BuildPolicyOptions = {}): PolicyContext {
  return {mode: opts.mode ?? 'enforce', aggregate: {v4: opts.aggregate?.v4 ?? null, v6: opts.aggregate?.v6 ?? null}, baseline: opts.baseline?.file ?? null, verdict: baselineVerdict(opts.baseline), allowFrom: opts.allowFrom ?? []}
}

/** What a policy says of itself, besides its hosts (README.md's head). */
export function policyHead(captures: Observation['captures'], ctx: PolicyContext): Omit<Policy, 'hosts'> {
  return {mode: ctx.mode, snapshots: captures.length, sources: captures.map((c) => c.source), aggregate: ctx.aggregate, baseline: ctx.baseline}
}

/**
 * Turns observed connections into one inbound ruleset per server host: for each served
 * (protocol, port), the client addresses seen (widened with `aggregate`) may open connections to
 * the addresses the host listens on there (a wildcard listener: every address the host owns).
 * Peers seen on a server-side socket that no captured client was matched to are clients too: the
 * policy keeps every connection it saw. `allowFrom` networks are let in besides.
 * Connections within a host (loopback) need no rule. Never depends on the order of its inputs.
 * Holds the observation: at scale, group the entries by server host and call hostPolicyOf per host.
 */
export function buildPolicy(obs: Observation, opts: BuildPolicyOptions = {}): Policy {
  const ctx = policyContext(opts)
  const listening = new Map<string, HostListening>()
  for (const h of opts.listening ?? []) listening.set(h.host, h)
  const byHost = new Map<string, MatrixEntry[]>()
  for (const e of obs.entries) {
    const list = byHost.get(e.server.host)
    if (list) list.push(e)
    else byHost.set(e.server.host, [e])
  }
  const peers = new Map<string, ServedPeer[]>()
  for (const p of opts.peers ?? []) {
    const list = peers.get(p.server.host)
    if (list) list.push(p)
    else peers.set(p.server.host, [p])
  }
  const hosts: HostPolicy[] = []
  for (const name of [...new Set([...byHost.keys(), ...listening.keys(), ...peers.keys()])].sort(cmp)) {
    const h = hostPolicyOf(name, byHost.get(name) ?? [], listening.get(name), ctx, peers.get(name))
    if (h) hosts.push(h)
  }
  return {...policyHead(obs.captures, ctx), hosts}
}

/**
 * The policy of one server host from the entries it serves (in observation order), its last
 * reported listeners and the peers of its server-side sockets no client was matched to; null when
 * it is no host of the policy (every connection arrives on loopback and it listens on loopback
 * only, or not at all).
 */
export function hostPolicyOf(host: string, entries: Iterable<MatrixEntry>, listening: HostListening | undefined, ctx: PolicyContext, peers: Iterable<ServedPeer> = []): HostPolicy | null {
  const allowed: Allowed[] = []
  const unallowed: Unallowed[] = []
  let served = false
  const take = (e: MatrixEntry, peer: boolean): void => {
    // loopback traffic, and a host's connections to its own addresses, arrive on `lo`: always accepted
    if (arrivesOnLoopback({clientHost: e.client.host, clientIp: e.client.ip, serverHost: e.server.host, serverIp: e.server.ip})) return
    served = true
    const v = ctx.verdict(e)
    if (v.allowed && parseNet(e.client.ip)) allowed.push({e, rule: v.rule, peer})
    else unallowed.push({...reason(e, v.rule, peer), protocol: e.protocol, port: e.server.port, why: v.allowed ? 'the client address is not an IP address' : v.why})
  }
  for (const e of entries) take(e, false)
  for (const p of peers) take(peerEntry(p), true)
  if (!served && !listening?.listeners.some((x) => !isLoopback(x.address))) return null
  return hostPolicy(host, allowed, unallowed, listening, ctx)
}

/** An observed connection the policy lets in; `peer`: from a server-side socket no client was matched to. */
interface Allowed {
  e: MatrixEntry
  rule: string | null
  peer: boolean
}

function hostPolicy(host: string, allowed: Allowed[], unallowed: Unallowed[], listening: HostListening | undefined, ctx: PolicyContext): HostPolicy {
  const {mode, aggregate} = ctx
  const addresses = [...new Set(listening?.addresses ?? [])].filter((a) => !isLoopback(a) && parseNet(a)).sort(cmp)
  const listeners = listening?.listeners ?? []
  const served = new Map<string, {protocol: 'TCP' | 'UDP'; port: number; list: Allowed[]; admin: Net[]}>()
  const service = (protocol: 'TCP' | 'UDP', port: number) => {
    const key = `${protocol}/${port}`
    let s = served.get(key)
    if (!s) served.set(key, (s = {protocol, port, list: [], admin: []}))
    return s
  }
  for (const a of allowed) service(a.e.protocol.toUpperCase() === 'UDP' ? 'UDP' : 'TCP', a.e.server.port).list.push(a)
  const observed = [...served.values()]
  for (const x of ctx.allowFrom) for (const s of adminPorts(x, observed, listeners)) service(s.protocol, s.port).admin.push(x.net)
  const services: ServicePolicy[] = []
  for (const s of [...served.values()].sort((a, b) => cmp(a.protocol, b.protocol) || a.port - b.port)) {
    const on = listeners.filter((l) => l.protocol.toUpperCase() === s.protocol && l.port === s.port)
    const rules: AcceptRule[] = []
    for (const family of [4, 6] as const) {
      const sources = normalizeNets([
        ...s.list.map((a) => parseNet(a.e.client.ip)!).filter((n) => n.family === family).map((n) => widen(n, (family === 4 ? aggregate.v4 : aggregate.v6) ?? n.prefix)),
        ...s.admin.filter((n) => n.family === family),
      ])
      if (sources.length === 0) continue
      rules.push({protocol: s.protocol, port: s.port, family, sources: sources.map(netText), destinations: destinations(family, on, s.list.map((a) => a.e.server.ip), addresses)})
    }
    const names = new Set<string>()
    for (const a of s.list) names.add(serviceName(a.e.server))
    for (const l of on) names.add(serviceName(l))
    services.push({
      protocol: s.protocol,
      port: s.port,
      services: names.size ? [...names].sort(cmp) : ['?'],
      binds: [...new Set(on.map((l) => (isWildcard(l.address) ? `${l.address || '*'} (wildcard)` : l.address)))].sort(cmp),
      rules,
      reasons: s.list.map((a) => reason(a.e, a.rule, a.peer)).sort(compareReasons),
      ...(s.admin.length ? {allowFrom: normalizeNets(s.admin).map(netText)} : {}),
    })
  }
  const open = new Set(services.map((s) => `${s.protocol}/${s.port}`))
  const listenerRow = (l: Listener) => ({protocol: l.protocol.toUpperCase(), address: l.address, port: l.port, service: serviceName(l)})
  const uniq = <T>(rows: T[]): T[] => [...new Map(rows.map((r) => [JSON.stringify(r), r])).values()]
  const byListener = (a: ReturnType<typeof listenerRow>, b: ReturnType<typeof listenerRow>) => cmp(a.protocol, b.protocol) || a.port - b.port || cmp(a.address, b.address) || cmp(a.service, b.service)
  return {
    host,
    mode,
    addresses,
    rules: services.flatMap((s) => s.rules),
    services,
    unallowed: unallowed.sort((a, b) => cmp(a.protocol, b.protocol) || a.port - b.port || compareReasons(a, b)),
    unused: uniq(listeners.filter((l) => !isLoopback(l.address) && !open.has(`${l.protocol.toUpperCase()}/${l.port}`)).map(listenerRow)).sort(byListener),
    loopbackOnly: uniq(listeners.filter((l) => isLoopback(l.address)).map(listenerRow)).sort(byListener),
  }
}

/**
 * Where a rule lets clients in: the addresses the port's listeners are bound to, a wildcard
 * listener standing for every address the host owns (`::` serves IPv4 too), plus every server
 * address connections were seen to; null (any address of the host) when a wildcard listener's
 * host reported no address of that family.
 */
function destinations(family: 4 | 6, on: Listener[], observed: string[], own: string[]): string[] | null {
  const nets: Net[] = []
  for (const l of on) {
    if (isWildcard(l.address)) {
      const mine = own.map((a) => parseNet(a)!).filter((n) => n.family === family)
      const covers = l.address === '::' || l.address === '' || l.address === '*' || (family === 4 && l.address === '0.0.0.0')
      if (!covers) continue
      if (mine.length === 0) return null
      nets.push(...mine)
    } else {
      const n = parseNet(l.address)
      if (n && n.family === family && !isLoopback(l.address)) nets.push(n)
    }
  }
  for (const ip of observed) {
    const n = parseNet(ip)
    if (n && n.family === family) nets.push(n)
  }
  // a port opened by --allow-from only, with no listener seen on it: any address of the host
  if (nets.length === 0 && observed.length === 0) return null
  return normalizeNets(nets).map(netText)
}

/**
 * The (protocol, port)s an `--allow-from` network opens on a host: with a port, TCP/port and UDP/port
 * where the host serves or listens on it (beyond loopback); without, every one the host serves or listens on.
 */
function adminPorts(x: AllowFrom, served: {protocol: 'TCP' | 'UDP'; port: number}[], listeners: Listener[]): {protocol: 'TCP' | 'UDP'; port: number}[] {
  const open = [...served, ...listeners.filter((l) => !isLoopback(l.address)).map((l) => ({protocol: l.protocol.toUpperCase() === 'UDP' ? ('UDP' as const) : ('TCP' as const), port: l.port}))]
  const picked = x.port === null ? open : [{protocol: 'TCP' as const, port: x.port}, ...open.filter((o) => o.protocol === 'UDP' && o.port === x.port)]
  return [...new Map(picked.map((o) => [`${o.protocol}/${o.port}`, o])).values()]
}

function reason(e: MatrixEntry, rule: string | null, peer: boolean): Reason {
  return {
    ...(peer ? {peer: true as const} : {}),
    clientHost: e.client.host,
    clientIp: e.client.ip,
    clientService: serviceName(e.client),
    serverService: serviceName(e.server),
    serverIp: e.server.ip,
    connections: e.connections,
    seen: e.captureIds?.length ?? e.seen,
    rule,
  }
}

function compareReasons(a: Reason, b: Reason): number {
  return cmp(a.clientIp, b.clientIp) || cmp(a.clientHost, b.clientHost) || cmp(a.clientService, b.clientService) || cmp(a.serverIp, b.serverIp) || cmp(a.serverService, b.serverService)
}

type Verdict = {allowed: true; rule: string | null} | {allowed: false; rule: string | null; why: string}

/** Without a baseline every observed connection is allowed; with one, only those an allow rule takes (and no ignore rule does). */
function baselineVerdict(b: BuildPolicyOptions['baseline']): (e: MatrixEntry) => Verdict {
  if (!b) return () => ({allowed: true, rule: null})
  const {allow, ignore} = b.baseline
  const firstIgnore = firstMatchingRule(ignore)
  const firstAllow = firstMatchingRule(allow)
  return (e) => {
    const i = firstIgnore(e)
    if (i >= 0) return {allowed: false, rule: null, why: `ignored by ${ignore[i].text} (line ${ignore[i].line})`}
    const a = firstAllow(e)
    if (a >= 0) return {allowed: true, rule: `allow ${allow[a].text} (line ${allow[a].line})`}
    return {allowed: false, rule: null, why: 'not allowed by the baseline'}
  }
}
