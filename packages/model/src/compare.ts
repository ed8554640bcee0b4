import type {MatrixEntry} from './types.js'

/** Total order on matrix entries: the CSV columns left to right, ports numerically. */
export function compareEntries(a: MatrixEntry, b: MatrixEntry): number {
  return (
    cmp(a.protocol, b.protocol) ||
    cmp(a.server.host, b.server.host) ||
    cmp(a.server.ip, b.server.ip) ||
    a.server.port - b.server.port ||
    cmp(a.server.process, b.server.process) ||
    cmp(a.server.name, b.server.name) ||
    cmp(a.client.host, b.client.host) ||
    cmp(a.client.ip, b.client.ip) ||
    cmp(a.client.process, b.client.process) ||
    cmp(a.client.name, b.client.name)
  )
}

/** Code-unit string order (locale-free, so output is the same on every machine). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The key identifying an entry (its CSV row). */
export function entryKey(e: MatrixEntry): string {
  return [e.protocol, e.server.host, e.server.ip, e.server.port, e.server.process, e.server.name, e.client.host, e.client.ip, e.client.process, e.client.name].join('\u0000')
}
