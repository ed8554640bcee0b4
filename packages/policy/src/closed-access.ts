import type {HostPolicy} from './types.js'

/**
 * A remote-access listener (sshd, the capture's own ssh port) the policy closes, or opens only to
 * the addresses observed (`clients`): applied, it refuses every later login from anywhere else.
 */
export interface ClosedAccess {
  host: string
  protocol: string
  port: number
  service: string
  /** Addresses and networks it stays open to (0: closed). */
  clients: number
}

/**
 * The remote-access listeners of a host's policy that would lock an operator out: TCP listeners
 * of `sshd`, and of `ports` (the port the capture's own transport logged in on), either closed or
 * opened only to the clients observed; a port `--allow-from` opens is not one. By port.
 */
export function closedAccess(h: HostPolicy, ports: readonly number[] = []): ClosedAccess[] {
  const access = (port: number, services: string[]): boolean => services.includes('sshd') || ports.includes(port)
  const out: ClosedAccess[] = []
  for (const s of h.services) {
    if (s.protocol !== 'TCP' || s.allowFrom || !access(s.port, s.services)) continue
    out.push({host: h.host, protocol: s.protocol, port: s.port, service: s.services.join(','), clients: s.rules.reduce((n, r) => n + r.sources.length, 0)})
  }
  const closed = new Map<number, ClosedAccess>()
  for (const l of h.unused) {
    if (l.protocol !== 'TCP' || !access(l.port, [l.service]) || closed.has(l.port)) continue
    closed.set(l.port, {host: h.host, protocol: l.protocol, port: l.port, service: l.service, clients: 0})
  }
  return [...out, ...closed.values()].sort((a, b) => a.port - b.port)
}
