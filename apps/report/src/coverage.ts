import {cmp} from '@fm/model'
import {fmtInt, h, round} from './dom.js'
import type {ReportData} from './report-data.js'

const REASONS: Record<string, string> = {
  external: 'the address belongs to no captured host',
  'no-listener': 'the owning host has no listener on that port',
  'host-without-sockets': 'the owning host reported no sockets',
  ambiguous: 'several hosts could serve it',
}

/** What the capture could not explain: unmatched clients by reason and remote endpoint, hosts without sockets. */
export function coverageView(document: Document, data: ReportData, opts: {maxHosts?: number} = {}): HTMLElement {
  const m = data.head
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

  const top = data.unmatched.remotes
  const remoteTable = top.length
    ? h(
        document,
        'table',
        {class: 'plain', id: 'unmatched-remotes'},
        h(document, 'caption', {}, `Most frequent unmatched remote endpoints${data.unmatched.remoteCount > top.length ? ` (top ${top.length} of ${fmtInt(data.unmatched.remoteCount)})` : ''}`),
        h(document, 'thead', {}, h(document, 'tr', {}, ['remote', 'sockets', 'reason'].map((c) => h(document, 'th', {scope: 'col'}, c)))),
        h(document, 'tbody', {}, top.map((r) => h(document, 'tr', {}, h(document, 'td', {}, r.key), h(document, 'td', {class: 'num'}, fmtInt(r.sockets)), h(document, 'td', {}, r.reason)))),
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
