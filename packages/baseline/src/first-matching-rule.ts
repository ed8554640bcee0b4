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
  const others: number[] = []
  rules.forEach((r, i) => {
    const key = exactKey(r)
    if (key === null) others.push(i)
    else if (!exact.has(key)) exact.set(key, i)
  })
  return (e) => {
    const p = e.protocol.toUpperCase()
    const c = serviceName(e.client)
    const s = serviceName(e.server)
    const a = exact.get(key(p, null, c, null, s, e.server.port)) ?? Infinity
    const b = exact.get(key(p, e.client.host, c, e.server.host, s, e.server.port)) ?? Infinity
    const found = Math.min(a, b)
    for (const i of others) {
      if (i > found) break
      if (ruleMatches(rules[i], e)) return i
    }
    return found === Infinity ? -1 : found
  }
}

function key(protocol: string, clientHost: string | null, client: string, serverHost: string | null, server: string, port: number): string {
  return JSON.stringify([protocol, clientHost, client, serverHost, server, port])
}

/** The lookup key of a rule naming exactly one edge, or null for any other rule. */
function exactKey(r: Rule): string | null {
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
