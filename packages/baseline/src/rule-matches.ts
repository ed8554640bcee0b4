import {isLoopback, type Endpoint, type MatrixEntry} from '@fm/model'
import {inAddressRange} from './address-range.js'
import {globMatch, isPathPattern} from './glob.js'
import {serviceName} from './service-name.js'
import type {Pattern, Rule} from './types.js'

/** True when every field the rule gives matches the matrix entry (a host-level row). */
export function ruleMatches(rule: Rule, e: MatrixEntry): boolean {
  return (
    any(rule.protocol, (p) => globMatch(p.toUpperCase(), e.protocol.toUpperCase())) &&
    any(rule.client, (p) => serviceMatches(p, e.client)) &&
    any(rule.server, (p) => serviceMatches(p, e.server)) &&
    any(rule.process, (p) => serviceMatches(p, e.client) || serviceMatches(p, e.server)) &&
    (rule.port === undefined || rule.port.some((r) => e.server.port >= r.from && e.server.port <= r.to)) &&
    any(rule.clientHost, (p) => globMatch(p, e.client.host)) &&
    any(rule.serverHost, (p) => globMatch(p, e.server.host)) &&
    any(rule.host, (p) => globMatch(p, e.client.host) || globMatch(p, e.server.host)) &&
    any(rule.address, (r) => inAddressRange(e.client.ip, r) || inAddressRange(e.server.ip, r)) &&
    any(rule.clientAddress, (r) => inAddressRange(e.client.ip, r)) &&
    any(rule.serverAddress, (r) => inAddressRange(e.server.ip, r)) &&
    (rule.loopback === undefined || rule.loopback === isLoopback(e.server.ip))
  )
}

/** A pattern with an unescaped `/` matches the executable path, any other the service name. */
function serviceMatches(p: string, end: Endpoint): boolean {
  return isPathPattern(p) ? globMatch(p, end.process) : globMatch(p, serviceName(end))
}

function any(list: Pattern | undefined, f: (p: string) => boolean): boolean {
  return list === undefined || list.some(f)
}
