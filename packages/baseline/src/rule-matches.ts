import {isLoopback, serviceName, type Endpoint, type MatrixEntry} from '@fm/model'
import {inAddressRange} from './address-range.js'
import {globMatch, isPathPattern} from './glob.js'
import type {Pattern, Rule} from './types.js'

/**
 * Other names an end also answers to (see groups): a host pattern matches the host or
 * `host(end)`, a service-name pattern the service name or `service(end)`. Null: no other name.
 */
export interface EndAliases {
  host(end: Endpoint): string | null
  service(end: Endpoint): string | null
}

/** True when every field the rule gives matches the matrix entry (a host-level row). */
export function ruleMatches(rule: Rule, e: MatrixEntry, aliases?: EndAliases): boolean {
  const host = (p: string, end: Endpoint): boolean => globMatch(p, end.host) || (aliases !== undefined && alias(p, aliases.host(end)))
  const service = (p: string, end: Endpoint): boolean => serviceMatches(p, end) || (aliases !== undefined && !isPathPattern(p) && alias(p, aliases.service(end)))
  return (
    any(rule.protocol, (p) => globMatch(p.toUpperCase(), e.protocol.toUpperCase())) &&
    any(rule.client, (p) => service(p, e.client)) &&
    any(rule.server, (p) => service(p, e.server)) &&
    any(rule.process, (p) => service(p, e.client) || service(p, e.server)) &&
    (rule.port === undefined || rule.port.some((r) => e.server.port >= r.from && e.server.port <= r.to)) &&
    any(rule.clientHost, (p) => host(p, e.client)) &&
    any(rule.serverHost, (p) => host(p, e.server)) &&
    any(rule.host, (p) => host(p, e.client) || host(p, e.server)) &&
    any(rule.address, (r) => inAddressRange(e.client.ip, r) || inAddressRange(e.server.ip, r)) &&
    any(rule.clientAddress, (r) => inAddressRange(e.client.ip, r)) &&
    any(rule.serverAddress, (r) => inAddressRange(e.server.ip, r)) &&
    (rule.loopback === undefined || rule.loopback === isLoopback(e.server.ip))
  )
}

/** A pattern with an unescaped `/` matches the executable path, any other the service name. */
export function serviceMatches(p: string, end: Pick<Endpoint, 'name' | 'process'>): boolean {
  return isPathPattern(p) ? globMatch(p, end.process) : globMatch(p, serviceName(end))
}

function alias(p: string, name: string | null): boolean {
  return name !== null && globMatch(p, name)
}

function any(list: Pattern | undefined, f: (p: string) => boolean): boolean {
  return list === undefined || list.some(f)
}
