import {basename} from 'node:path'
import {fmtInt, h} from './dom.js'
import type {ReportData} from './report-data.js'

/** Headline counts and the captures the matrix was built from. */
export function summaryView(document: Document, data: ReportData): HTMLElement {
  const m = data.head
  const st = m.stats
  const matched = st.matched.socket + st.matched.listener + st.matched.flow
  const unmatched = Object.values(st.unmatched).reduce((a, b) => a + b, 0)
  const breakdown = (parts: [string, number][]): string =>
    parts.filter(([, n]) => n > 0).map(([k, n]) => `${fmtInt(n)} ${k}`).join(' · ') || 'none'
  const card = (id: string, label: string, value: number, detail: string): HTMLElement =>
    h(document, 'div', {class: 'card', id: `stat-${id}`}, h(document, 'div', {class: 'value'}, fmtInt(value)), h(document, 'div', {class: 'label'}, label), h(document, 'div', {class: 'detail'}, detail))
  const states = m.states.length ? m.states.join(', ') : 'any non-listening state'
  const cards = h(
    document,
    'div',
    {class: 'cards'},
    card('hosts', 'hosts', st.hosts, st.hostsWithoutSockets ? `${fmtInt(st.hostsWithoutSockets)} without sockets` : 'all with sockets'),
    card('sockets', 'sockets', st.sockets, `${fmtInt(st.listeners)} listening · ${fmtInt(st.serverSide)} server side · ${fmtInt(st.clientSide)} client side`),
    card('considered', 'client connections', st.clientsConsidered, `states: ${states}`),
    card('matched', 'matched', matched, breakdown([['by socket pair', st.matched.socket], ['by listener', st.matched.listener], ['by flow', st.matched.flow]])),
    card('unmatched', 'unmatched', unmatched, breakdown(Object.entries(st.unmatched))),
    card('ambiguities', 'ambiguities', st.ambiguities, st.ambiguities ? 'same address on several hosts; resolved deterministically' : 'none'),
    card('entries', 'matrix rows', data.entries, `${fmtInt(st.captures)} capture${st.captures === 1 ? '' : 's'}`),
  )
  const dash = (v: string | null): string => v ?? '—'
  const captures = h(
    document,
    'table',
    {class: 'captures'},
    h(document, 'caption', {}, 'Captures'),
    h(document, 'thead', {}, h(document, 'tr', {}, ['#', 'source', 'format', 'label', 'time context', 'started', 'ended'].map((c) => h(document, 'th', {scope: 'col'}, c)))),
    h(document, 'tbody', {}, m.captures.map((c) => h(document, 'tr', {}, [String(c.id), shownSource(c.source), c.format, dash(c.label), dash(c.timeContext), dash(c.startedAt), dash(c.endedAt)].map((v) => h(document, 'td', {}, v))))),
  )
  return h(document, 'div', {class: 'summary'}, cards, captures)
}

/**
 * How the page names an input: its file or folder name only. A report is made to be shared,
 * and the folders it was made in (`/home/alice/customer-x/`) are nobody else's business.
 */
function shownSource(source: string): string {
  return basename(source.replace(/\/+$/, '')) || source
}
