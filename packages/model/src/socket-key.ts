import type {Socket} from './types.js'

/** A stable, human-readable key for a socket on a host: `host|TCP|10.0.0.1:5000>10.0.0.2:80|pid`. */
export function socketKey(host: string, s: Pick<Socket, 'protocol' | 'localAddress' | 'localPort' | 'remoteAddress' | 'remotePort' | 'pid'>): string {
  return `${host}|${s.protocol}|${endpoint(s.localAddress, s.localPort)}>${endpoint(s.remoteAddress, s.remotePort)}|${s.pid}`
}

function endpoint(a: string, p: number): string {
  return a.includes(':') ? `[${a}]:${p}` : `${a}:${p}`
}
