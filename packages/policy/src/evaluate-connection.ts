import {BlockList} from 'node:net'
import {arrivesOnLoopback} from './arrives-on-loopback.js'
import {netAddress, netText, parseNet, type Net} from './cidr.js'
import type {ParsedRule, ParsedRuleset} from './types.js'

/** A new inbound connection, as the server host's kernel sees its first packet. */
export interface Connection {
  protocol: string
  clientHost: string
  clientIp: string
  serverHost: string
  serverIp: string
  port: number
}

export interface ConnectionVerdict {
  verdict: 'accept' | 'drop'
  /** A rule logged it on the way (monitor mode logs what enforcing would drop). */
  logged: boolean
  /** The rule that decided; null when the chain's end (or no policy) did. */
  rule: ParsedRule | null
  why: string
}

/**
 * What a host's ruleset does with a new connection: its rules in order, the first with a verdict
 * decides, else the chain's end. A host without a policy file, or a family its files do not
 * filter, accepts. A connection to loopback, or from the host to its own address, arrives on `lo`.
 */
export function evaluateConnection(rs: ParsedRuleset | undefined, c: Connection): ConnectionVerdict {
  if (!rs) return {verdict: 'accept', logged: false, rule: null, why: 'no policy for this host'}
  const server = parseNet(c.serverIp)
  const client = parseNet(c.clientIp)
  if (!server || !client) return {verdict: 'drop', logged: false, rule: null, why: 'not an IP connection: no rule can accept it'}
  if (!rs.families.includes(server.family)) return {verdict: 'accept', logged: false, rule: null, why: `IPv${server.family} is not filtered (no file for it)`}
  const loopback = arrivesOnLoopback(c)
  const protocol = c.protocol.toUpperCase()
  const inList = (list: string[], a: Net): boolean => {
    const m = matcher(list)
    const text = netText(a)
    return m.exact.has(text) || m.ranges[a.family].check(text, a.family === 4 ? 'ipv4' : 'ipv6')
  }
  let logged = false
  for (const r of rs.rules) {
    if (r.loopback && !loopback) continue
    if (r.ctStates && !r.ctStates.includes('new')) continue
    if (r.icmpOnly) continue
    if (r.family && r.family !== server.family) continue
    if (r.protocol && r.protocol !== protocol) continue
    if (r.ports && !r.ports.includes(c.port)) continue
    if (r.sources && !inList(r.sources, client)) continue
    if (r.destinations && !inList(r.destinations, server)) continue
    if (r.log) logged = true
    if (r.verdict) return {verdict: r.verdict, logged, rule: r, why: `${r.verdict === 'accept' ? 'accepted' : 'dropped'} by ${r.file} line ${r.line}`}
  }
  return {verdict: rs.fallthrough, logged, rule: null, why: `no rule decides: the chain ${rs.fallthrough === 'accept' ? 'accepts' : 'drops'} it`}
}

interface ListMatcher {
  exact: Set<string>
  /** One BlockList per family: a single one would let an IPv6 range hold IPv4 addresses (as ::ffff:a.b.c.d). */
  ranges: Record<4 | 6, BlockList>
}

/**
 * An address list made once per list: single addresses in a set (a BlockList tries its rules one
 * by one), ranges in BlockLists, so a rule with thousands of clients costs one lookup.
 */
const matchers = new WeakMap<string[], ListMatcher>()

function matcher(list: string[]): ListMatcher {
  let m = matchers.get(list)
  if (m) return m
  m = {exact: new Set(), ranges: {4: new BlockList(), 6: new BlockList()}}
  for (const x of list) {
    const n = parseNet(x)
    if (!n) continue
    if (n.prefix === (n.family === 4 ? 32 : 128)) m.exact.add(netText(n))
    else m.ranges[n.family].addSubnet(netAddress(n), n.prefix, n.family === 4 ? 'ipv4' : 'ipv6')
  }
  matchers.set(list, m)
  return m
}
