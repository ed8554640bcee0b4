// DESIGN's matching rules 1 and 2 (listeners, sides) as pure functions. The store's SQL states
// the same rules once, as fragments (packages/store/src/rules.ts), over the address classes
// `addressClass` computes here as each socket is read.
import {addressFamily, isLinkLocal, isLoopback, type Socket} from '@fm/model'

export type SocketRole = 'listener' | 'server' | 'client' | 'none'

/** The codes roles are stored with. */
export const ROLE_CODE: Record<SocketRole, number> = {listener: 0, server: 1, client: 2, none: 3}
export const ROLES: readonly SocketRole[] = ['listener', 'server', 'client', 'none']

/** Remote addresses that mean "no remote endpoint" (an unconnected socket). */
const NO_ADDRESS = new Set(['0.0.0.0', '::', '', '*'])

/** What the rules need to know about one address, computed once per distinct address. */
export interface AddressClass {
  /** 4, 6, or 0 for no IP. */
  family: number
  loop: number
  linkLocal: number
  /** Bound to every address: 4 for 0.0.0.0, 6 for `::` (which serves IPv4 too), else 0. */
  any: number
  /** As a remote address, no remote endpoint at all (0.0.0.0, ::, '' or *). */
  none: number
}

export function addressClass(a: string): AddressClass {
  return {
    family: addressFamily(a),
    loop: isLoopback(a) ? 1 : 0,
    linkLocal: isLinkLocal(a) ? 1 : 0,
    any: a === '::' ? 6 : a === '0.0.0.0' ? 4 : 0,
    none: NO_ADDRESS.has(a) ? 1 : 0,
  }
}

/** Rule 1: TCP LISTEN, or UDP unconnected (no remote address, port 0). */
export function isListener(s: Pick<Socket, 'protocol' | 'state' | 'remoteAddress' | 'remotePort'>): boolean {
  return (s.protocol === 'TCP' && s.state === 'LISTEN') || (s.protocol === 'UDP' && s.remotePort === 0 && NO_ADDRESS.has(s.remoteAddress))
}

/** Rule 1: a listener bound to `bound` serves address `a` (same host, protocol and port). */
export function serves(bound: string, a: string): boolean {
  if (bound === a || bound === '::') return true
  if (bound === '0.0.0.0') return addressFamily(a) === 4
  return isLoopback(bound) && isLoopback(a) && addressFamily(bound) === addressFamily(a)
}

/** Rule 2: a socket with a remote endpoint. */
export function hasRemote(s: Pick<Socket, 'remoteAddress' | 'remotePort'>): boolean {
  return s.remotePort !== 0 && !NO_ADDRESS.has(s.remoteAddress)
}

/**
 * Rules 1 and 2 for one host's whole socket table: listeners, server sides (a listener of the
 * same host and namespace serves the local endpoint), clients (any other socket with a remote
 * endpoint), none. The store runs this while loading; its SQL (the same rules, as fragments)
 * classifies hosts whose sockets arrived in more than one record.
 */
export function classifySockets(sockets: readonly Socket[]): SocketRole[] {
  const listeners = new Map<string, Socket[]>()
  const roles: SocketRole[] = sockets.map((s) => {
    if (!isListener(s)) return 'none'
    const key = `${s.protocol}|${s.localPort}|${s.netns ?? ''}`
    const list = listeners.get(key)
    if (list) list.push(s)
    else listeners.set(key, [s])
    return 'listener'
  })
  sockets.forEach((s, i) => {
    if (roles[i] === 'listener') return
    const served = listeners.get(`${s.protocol}|${s.localPort}|${s.netns ?? ''}`)?.some((l) => serves(l.localAddress, s.localAddress))
    roles[i] = served ? 'server' : hasRemote(s) ? 'client' : 'none'
  })
  return roles
}
