import {cmp, type Matrix} from '@fm/model'
import {fmtInt, h, round} from './dom.js'

const REASONS: Record<string, string> = {
  external: 'the address belongs to no captured host',
  'no-listener': 'the owning host has no listener on that port',
  'host-without-sockets': 'the owning host reported no sockets',
  ambiguous: 'several hosts could serve it',
}

/** What the capture could not explain: unmatched clients by reason and remote endpoint, hosts without sockets. */
export function coverageView(document: Document, m: Matrix, opts: {maxHosts?: number; maxRemotes?: number} = {}): HTMLElement {
  const byReason = Object.entries(m.stats.unmatched).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]))
  const max = Math.max(1, ...byReason.map(([, n]) => n))
  const reasons = byReason.length
    ? h(
        document,
        'table',
        {class: 'bars', id: 'unmatched-by-reason'},
        h(document, 'caption', {}, 'Unmatched client sockets by reason'),
        h(document, 'tbody', {}, byReason.map(([reason, n]) =>
          h(document, 'tr', {},
            h(document, 'th', {scope: 'row', title: REASONS[reason] ?? null}, reason),
            h(document, 'td', {class: 'num'}, fmtInt(n)),
            h(document, 'td', {class: 'bar-cell'}, h(document, 'span', {class: 'bar', style: `width:${round((100 * n) / max, 1)}%`})),
          ))),
      )
    : h(document, 'p', {}, 'Every client socket found its server.')

  const remotes = new Map<string, {n: number; reason: string}>()
  for (const u of m.unmatched) {
    const a = u.socket.remoteAddress
    const k = `${u.socket.protocol} ${a.includes(':') ? `[${a}]` : a}:${u.socket.remotePort}`
    const r = remotes.get(k)
    if (r) r.n++
    else remotes.set(k, {n: 1, reason: u.reason})
  }
  const top = [...remotes].sort((a, b) => b[1].n - a[1].n || cmp(a[0], b[0])).slice(0, opts.maxRemotes ?? 15)
  const remoteTable = top.length
    ? h(
        document,
        'table',
        {class: 'plain', id: 'unmatched-remotes'},
        h(document, 'caption', {}, `Most frequent unmatched remote endpoints${remotes.size > top.length ? ` (top ${top.length} of ${fmtInt(remotes.size)})` : ''}`),
        h(document, 'thead', {}, h(document, 'tr', {}, ['remote', 'sockets', 'reason'].map((c) => h(document, 'th', {scope: 'col'}, c)))),
        h(document, 'tbody', {}, top.map(([k, v]) => h(document, 'tr', {}, h(document, 'td', {}, k), h(document, 'td', {class: 'num'}, fmtInt(v.n)), h(document, 'td', {}, v.reason)))),
      )
    : null

  const maxHosts = opts.maxHosts ?? 200
  const hosts = [...m.hostsWithoutSockets].sort(cmp)
  const hostList = hosts.length
    ? h(
        document,
        'div',
        {id: 'hosts-without-sockets'},
        h(document, 'h3', {}, `Hosts without sockets (${fmtInt(hosts.length)})`),
        h(document, 'p', {class: 'muted'}, 'These hosts reported no socket table (socketinfo probe off, or agent down): connections to them cannot be matched.'),
        h(document, 'ul', {class: 'host-list'}, hosts.slice(0, maxHosts).map((x) => h(document, 'li', {}, x))),
        hosts.length > maxHosts ? h(document, 'p', {class: 'muted'}, `and ${fmtInt(hosts.length - maxHosts)} more`) : null,
      )
    : h(document, 'p', {id: 'hosts-without-sockets'}, 'Every host reported its sockets.')
  return h(document, 'div', {class: 'coverage'}, h(document, 'div', {class: 'two-col'}, reasons, remoteTable), hostList)
}
