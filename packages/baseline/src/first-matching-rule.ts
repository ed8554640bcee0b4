import {serviceName, type MatrixEntry} from '@fm/model'
import {globLiteral, isGlob, isPathPattern} from './glob.js'
import {ruleMatches} from './rule-matches.js'
import type {Rule} from './types.js'

/**
 * Returns a function giving the index of the first rule matching an entry (-1 when none).
 * Generated baselines hold one exact rule per edge (tens of thousands at host level), so exact
 * rules are looked up in a map and only the others are tried one by one: the result is the
 * same as trying every rule in order, in time independent of the number of exact rules.
 */
export function firstMatchingRule(rules: Rule[]): (e: MatrixEntry) => number {
  const exact = new Map<string, number>()
  const others: IndexedRule[] = []
  rules.forEach((r, i) => {
    const key = exactKey(r)
    if (key === null) others.push({index: i, rule: r})
    else if (!exact.has(key)) exact.set(key, i)
  })
  return (e) => firstMatch(e, others, (a, b) => Math.min(exact.get(a) ?? Infinity, exact.get(b) ?? Infinity))
}

/** A rule and its place in its list. */
export interface IndexedRule {
  index: number
  rule: Rule
}

/**
 * The first-matching-rule rule itself: the index of the first rule of a list matching `e` (-1
 * when none), given the list's rules that are not exact (`others`, in order) and `exact`, the
 * smallest index of an exact rule under either of the entry's two lookup keys (Infinity when
 * none; see exactKey). The exact rules may sit in a map or in a table on disk.
 */
export function firstMatch(e: MatrixEntry, others: IndexedRule[], exact: (serviceKey: string, hostKey: string) => number): number {
  const p = e.protocol.toUpperCase()
  const c = serviceName(e.client)
  const s = serviceName(e.server)
  const found = exact(key(p, null, c, null, s, e.server.port), key(p, e.client.host, c, e.server.host, s, e.server.port))
  for (const {index, rule} of others) {
    if (index > found) break
    if (ruleMatches(rule, e)) return index
  }
  return found === Infinity ? -1 : found
}

function key(protocol: string, clientHost: string | null, client: string, serverHost: string | null, server: string, port: number): string {
  return JSON.stringify([protocol, clientHost, client, serverHost, server, port])
}

/** The lookup key of a rule naming exactly one edge, or null for any other rule. */
export function exactKey(r: Rule): string | null {
  const one = (p: string[] | undefined): string | null => (p && p.length === 1 && !isGlob(p[0]) && !isPathPattern(p[0]) ? globLiteral(p[0]) : null)
  const extra = r.process || r.host || r.address || r.clientAddress || r.serverAddress || r.loopback !== undefined
  const protocol = one(r.protocol)
  const client = one(r.client)
  const server = one(r.server)
  const port = r.port?.length === 1 && r.port[0].from === r.port[0].to ? r.port[0].from : null
  if (extra || protocol === null || client === null || server === null || port === null) return null
  if (r.clientHost === undefined && r.serverHost === undefined) return key(protocol.toUpperCase(), null, client, null, server, port)
  const ch = one(r.clientHost)
  const sh = one(r.serverHost)
  return ch !== null && sh !== null ? key(protocol.toUpperCase(), ch, client, sh, server, port) : null
}
