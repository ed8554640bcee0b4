import {cmp, isLoopback, isWildcard, serviceName, type HostListening, type MatrixEntry} from '@fm/model'
import {firstMatchingRule, type Baseline, type Observation} from '@fm/baseline'
import {arrivesOnLoopback} from './arrives-on-loopback.js'
import {netText, normalizeNets, parseNet, widen, type Net} from './cidr.js'
import type {AcceptRule, HostPolicy, Policy, PolicyMode, Reason, ServicePolicy, Unallowed} from './types.js'

export interface BuildPolicyOptions {
  mode?: PolicyMode
  /** Widen IPv4 / IPv6 client addresses to networks of this many bits (`--aggregate /24`). */
  aggregate?: {v4?: number | null; v6?: number | null}
  /** Only connections this baseline allows become rules; the others are listed as dropped. */
  baseline?: {file: string; baseline: Baseline}
  /** The host's own addresses and listeners, per host name (from the analysis). */
  listening?: Iterable<HostListening>
}

type Listener = HostListening['listeners'][number]

/** What building any host's policy needs: the options, resolved once (the baseline's rules compiled). */
export interface PolicyContext {
  mode: PolicyMode
  aggregate: {v4: number | null; v6: number | null}
  baseline: string | null
  verdict: (e: MatrixEntry) => Verdict
}

/** The options of buildPolicy resolved once, for hostPolicyOf. */
export function policyContext(opts: BuildPolicyOptions = {}): PolicyContext {
  return {mode: opts.mode ?? 'enforce', aggregate: {v4: opts.aggregate?.v4 ?? null, v6: opts.aggregate?.v6 ?? null}, baseline: opts.baseline?.file ?? null, verdict: baselineVerdict(opts.baseline)}
}

/** What a policy says of itself, besides its hosts (README.md's head). */
export function policyHead(captures: Observation['captures'], ctx: PolicyContext): Omit<Policy, 'hosts'> {
  return {mode: ctx.mode, snapshots: captures.length, sources: captures.map((c) => c.source), aggregate: ctx.aggregate, baseline: ctx.baseline}
}

/**
 * Turns observed connections into one inbound ruleset per server host: for each served
 * (protocol, port), the client addresses seen (widened with `aggregate`) may open connections to
 * the addresses the host listens on there (a wildcard listener: every address the host owns).
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
  const hosts: HostPolicy[] = []
  for (const name of [...new Set([...byHost.keys(), ...listening.keys()])].sort(cmp)) {
    const h = hostPolicyOf(name, byHost.get(name) ?? [], listening.get(name), ctx)
    if (h) hosts.push(h)
  }
  return {...policyHead(obs.captures, ctx), hosts}
}

/**
 * The policy of one server host from the entries it serves (in observation order) and its last
 * reported listeners; null when it is no host of the policy (every entry arrives on loopback and
 * it listens on loopback only, or not at all).
 */
export function hostPolicyOf(host: string, entries: Iterable<MatrixEntry>, listening: HostListening | undefined, ctx: PolicyContext): HostPolicy | null {
  const allowed: {e: MatrixEntry; rule: string | null}[] = []
  const unallowed: Unallowed[] = []
  let served = false
  for (const e of entries) {
    // loopback traffic, and a host's connections to its own addresses, arrive on `lo`: always accepted
    if (arrivesOnLoopback({clientHost: e.client.host, clientIp: e.client.ip, serverHost: e.server.host, serverIp: e.server.ip})) continue
    served = true
    const v = ctx.verdict(e)
    if (v.allowed && parseNet(e.client.ip)) allowed.push({e, rule: v.rule})
    else unallowed.push({...reason(e, v.rule), protocol: e.protocol, port: e.server.port, why: v.allowed ? 'the client address is not an IP address' : v.why})
  }
  if (!served && !listening?.listeners.some((x) => !isLoopback(x.address))) return null
  return hostPolicy(host, allowed, unallowed, listening, ctx.mode, ctx.aggregate)
}

function hostPolicy(
  host: string,
  allowed: {e: MatrixEntry; rule: string | null}[],
  unallowed: Unallowed[],
  listening: HostListening | undefined,
  mode: PolicyMode,
  aggregate: {v4: number | null; v6: number | null},
): HostPolicy {
  const addresses = [...new Set(listening?.addresses ?? [])].filter((a) => !isLoopback(a) && parseNet(a)).sort(cmp)
  const listeners = listening?.listeners ?? []
  const served = new Map<string, {protocol: 'TCP' | 'UDP'; port: number; list: typeof allowed}>()
  for (const a of allowed) {
    const protocol = a.e.protocol.toUpperCase() === 'UDP' ? 'UDP' : 'TCP'
    const key = `${protocol}/${a.e.server.port}`
    let s = served.get(key)
    if (!s) served.set(key, (s = {protocol, port: a.e.server.port, list: []}))
    s.list.push(a)
  }
  const services: ServicePolicy[] = []
  for (const s of [...served.values()].sort((a, b) => cmp(a.protocol, b.protocol) || a.port - b.port)) {
    const on = listeners.filter((l) => l.protocol.toUpperCase() === s.protocol && l.port === s.port)
    const rules: AcceptRule[] = []
    for (const family of [4, 6] as const) {
      const sources = normalizeNets(
        s.list.map((a) => parseNet(a.e.client.ip)!).filter((n) => n.family === family).map((n) => widen(n, (family === 4 ? aggregate.v4 : aggregate.v6) ?? n.prefix)),
      )
      if (sources.length === 0) continue
      rules.push({protocol: s.protocol, port: s.port, family, sources: sources.map(netText), destinations: destinations(family, on, s.list.map((a) => a.e.server.ip), addresses)})
    }
    const names = new Set<string>()
    for (const a of s.list) names.add(serviceName(a.e.server))
    for (const l of on) names.add(serviceName(l))
    services.push({
      protocol: s.protocol,
      port: s.port,
      services: [...names].sort(cmp),
      binds: [...new Set(on.map((l) => (isWildcard(l.address) ? `${l.address || '*'} (wildcard)` : l.address)))].sort(cmp),
      rules,
      reasons: s.list.map((a) => reason(a.e, a.rule)).sort(compareReasons),
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
  return normalizeNets(nets).map(netText)
}

function reason(e: MatrixEntry, rule: string | null): Reason {
  return {
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
