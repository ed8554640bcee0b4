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

/**
 * Code-point string order: locale-free, so output is the same on every machine, and the order
 * SQLite's BINARY collation gives UTF-8 text, so rows sorted by the store need no re-sort.
 * (JS's `<` compares UTF-16 code units, which puts U+10000 and above before U+E000–U+FFFF.)
 */
export function cmp(a: string, b: string): number {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return codePointRank(x) - codePointRank(y)
  }
  return a.length - b.length
}

/** Surrogates (code points U+10000 and above) rank after U+E000–U+FFFF, as in code-point order. */
function codePointRank(unit: number): number {
  return unit < 0xd800 ? unit : unit < 0xe000 ? unit + 0x2000 : unit - 0x800
}

/** The key identifying an entry (its CSV row). */
export function entryKey(e: MatrixEntry): string {
  return [e.protocol, e.server.host, e.server.ip, e.server.port, e.server.process, e.server.name, e.client.host, e.client.ip, e.client.process, e.client.name].join('\u0000')
}
