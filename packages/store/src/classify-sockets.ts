import {addressFamily, isLoopback, type Socket} from '@fm/model'

export type SocketRole = 'listener' | 'server' | 'client' | 'none'

const WILDCARD = new Set(['0.0.0.0', '::', '', '*'])

/**
 * DESIGN rules 1 and 2 for one host's whole socket table, exactly as `sql/queries/classify.sql`
 * states them: listeners (TCP LISTEN, unconnected UDP), server sides (a listener of the same host
 * serves the local endpoint), clients (any other socket with a remote endpoint), none.
 * The store runs this while loading, which costs a fraction of the SQL UPDATEs; the SQL stays the
 * reference and reclassifies hosts whose sockets arrived in more than one record.
 */
export function classifySockets(sockets: readonly Socket[]): SocketRole[] {
  const listeners = new Map<string, Socket[]>()
  const roles: SocketRole[] = sockets.map((s) => {
    const listener = (s.protocol === 'TCP' && s.state === 'LISTEN') || (s.protocol === 'UDP' && s.remotePort === 0 && WILDCARD.has(s.remoteAddress))
    if (!listener) return 'none'
    const key = `${s.protocol}|${s.localPort}|${s.netns ?? ''}`
    const list = listeners.get(key)
    if (list) list.push(s)
    else listeners.set(key, [s])
    return 'listener'
  })
  sockets.forEach((s, i) => {
    if (roles[i] === 'listener') return
    const served = listeners.get(`${s.protocol}|${s.localPort}|${s.netns ?? ''}`)?.some((l) => serves(l.localAddress, s.localAddress))
    roles[i] = served ? 'server' : s.remotePort !== 0 && !WILDCARD.has(s.remoteAddress) ? 'client' : 'none'
  })
  return roles
}

/** A listener bound to `bound` serves local address `a` of the same host. */
function serves(bound: string, a: string): boolean {
  if (bound === a || bound === '::') return true
  if (bound === '0.0.0.0') return addressFamily(a) === 4
  return isLoopback(bound) && isLoopback(a) && addressFamily(bound) === addressFamily(a)
}
