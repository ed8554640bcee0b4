import {hostPort} from './address.js'
import type {Socket} from './types.js'

/** A stable, human-readable key for a socket on a host: `host|TCP|10.0.0.1:5000>10.0.0.2:80|pid`. */
export function socketKey(host: string, s: Pick<Socket, 'protocol' | 'localAddress' | 'localPort' | 'remoteAddress' | 'remotePort' | 'pid'>): string {
  return `${host}|${s.protocol}|${hostPort(s.localAddress, s.localPort)}>${hostPort(s.remoteAddress, s.remotePort)}|${s.pid}`
}
