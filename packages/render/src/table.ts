import type {Matrix} from '@fm/model'

/** Strips control characters so a hostile name cannot move the cursor or recolour the terminal. */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '?')
}

/** The matrix as an aligned text table for terminals. */
export function matrixToTable(m: Matrix): string {
  const head = ['PROTO', 'SERVER', 'ADDRESS', 'PROCESS', 'CLIENT', 'ADDRESS', 'PROCESS', 'CONN', 'METHOD']
  const rows = m.entries.map((e) => [
    e.protocol, e.server.host, `${e.server.ip.includes(':') ? `[${e.server.ip}]` : e.server.ip}:${e.server.port}`, e.server.name || e.server.process,
    e.client.host, e.client.ip, e.client.name || e.client.process, String(e.connections), e.methods.join(','),
  ].map(printable))
  const widths = head.map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((r) => r[i].length))))
  const fmt = (r: string[]): string => r.map((c, i) => (c.length > widths[i] ? c.slice(0, widths[i] - 1) + '…' : c.padEnd(widths[i]))).join('  ').trimEnd()
  const s = m.stats
  const summary = `${m.entries.length} entries, ${s.matched.socket + s.matched.listener + s.matched.flow} connections matched (socket ${s.matched.socket}, listener ${s.matched.listener}, flow ${s.matched.flow}); unmatched: external ${s.unmatched.external}, no-listener ${s.unmatched['no-listener']}, host-without-sockets ${s.unmatched['host-without-sockets']}; ${s.ambiguities} ambiguous`
  return [fmt(head), ...rows.map(fmt), '', summary].join('\n') + '\n'
}
