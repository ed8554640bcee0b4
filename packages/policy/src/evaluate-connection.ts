import {isLoopback} from '@fm/model'
import {netContains, parseNet} from './cidr.js'
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
 * filter, accepts. A connection from the host to itself, or to loopback, arrives on `lo`.
 */
export function evaluateConnection(rs: ParsedRuleset | undefined, c: Connection): ConnectionVerdict {
  if (!rs) return {verdict: 'accept', logged: false, rule: null, why: 'no policy for this host'}
  const server = parseNet(c.serverIp)
  const client = parseNet(c.clientIp)
  if (!server || !client) return {verdict: 'drop', logged: false, rule: null, why: 'not an IP connection: no rule can accept it'}
  if (!rs.families.includes(server.family)) return {verdict: 'accept', logged: false, rule: null, why: `IPv${server.family} is not filtered (no file for it)`}
  const loopback = c.clientHost === c.serverHost || isLoopback(c.serverIp)
  const protocol = c.protocol.toUpperCase()
  const inList = (list: string[], a: typeof client): boolean => list.some((x) => {
    const n = parseNet(x)
    return n !== null && netContains(n, a)
  })
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
