import {cmp, type Ambiguity} from '@fm/model'
import {boundedTop} from './bounded-top.js'
import {dataTable} from './data-table.js'
import {fmtInt, h} from './dom.js'
import type {ReportData} from './report-data.js'

/** Why a client had several possible servers, as the report says it. */
export type AmbiguityCause = 'same-sockets' | 'shared-address' | 'one-host'

/** Ambiguous clients with the same candidate hosts, the same pick and the same cause. */
export interface AmbiguityCase {
  /** Candidate server hosts of the example, by name: a `same-sockets` case is one set of hosts; a `shared-address` case is one address and rule, a `one-host` case one socket layout, whichever hosts. */
  hosts: string[]
  chosen: string
  resolvedBy: Ambiguity['resolvedBy']
  cause: AmbiguityCause
  /** Client sockets in the case. */
  clients: number
  /** The client socket first by key, and the server endpoint it connects to. */
  example: string
  server: string
}

export interface AmbiguitySummary {
  total: number
  /** The largest `maxAmbiguities` cases, largest first. */
  cases: AmbiguityCase[]
  /** Distinct cases (of the ones held). */
  caseCount: number
  /** Ambiguous clients that came after the hold budget of cases was full and opened a new one: counted only. */
  uncounted: number
}

/** `host|proto|local>remote|pid` (see socketKey), host read from the right since a name may hold `|`. */
function splitKey(key: string): {host: string; socket: string; remote: string} {
  const parts = key.split('|')
  if (parts.length < 4) return {host: key, socket: key, remote: ''}
  const pid = parts.pop()!
  const ends = parts.pop()!
  const proto = parts.pop()!
  return {host: parts.join('|'), socket: `${proto}|${ends}|${pid}`, remote: ends.slice(ends.indexOf('>') + 1)}
}

/**
 * Groups the ambiguities while they stream by (candidate hosts, pick, cause), so the report can
 * show the largest cases. Cases are held up to `hold` (far more than drawn); the clients of cases
 * past that are counted as uncounted.
 */
export function ambiguityAggregator(maxCases: number, hold = Math.max(1, maxCases) * 50): {add(a: Ambiguity): void; result(): AmbiguitySummary; held(): number} {
  const cases = new Map<string, AmbiguityCase>()
  let total = 0
  let uncounted = 0
  return {
    add(a: Ambiguity): void {
      total++
      const cands = a.candidates.map(splitKey)
      const hosts = [...new Set(cands.map((c) => c.host))].sort(cmp)
      // the same socket (protocol, both ends, pid) on two hosts: one machine seen by two agents
      const sockets = new Set(cands.map((c) => c.socket))
      const cause: AmbiguityCause = hosts.length === 1 ? 'one-host' : sockets.size < cands.length ? 'same-sockets' : 'shared-address'
      const chosen = splitKey(a.chosen).host
      const server = cands[0]?.socket.split('|')[1]?.split('>')[0] ?? ''
      // several sockets of one host: the host is certain; one case per socket layout, whichever host
      // an address reused on many hosts (a bridge, a VIP): one case per address and rule, whichever hosts
      const proto = cands[0]?.socket.split('|')[0]
      const k =
        cause === 'one-host' ? JSON.stringify([cause, proto, server, cands.length]) : cause === 'shared-address' ? JSON.stringify([cause, proto, server, a.resolvedBy]) : JSON.stringify([hosts, chosen, a.resolvedBy, cause])
      const c = cases.get(k)
      if (c) {
        c.clients++
        if (cmp(a.client, c.example) < 0) Object.assign(c, {example: a.client, server, hosts, chosen, resolvedBy: a.resolvedBy})
      } else if (cases.size < hold) cases.set(k, {hosts, chosen, resolvedBy: a.resolvedBy, cause, clients: 1, example: a.client, server})
      else uncounted++
    },
    result(): AmbiguitySummary {
      const top = boundedTop<AmbiguityCase>(maxCases, (a, b) => b.clients - a.clients || cmp(JSON.stringify(a.hosts), JSON.stringify(b.hosts)) || cmp(a.chosen, b.chosen) || cmp(a.resolvedBy, b.resolvedBy) || cmp(a.cause, b.cause))
      for (const c of cases.values()) top.push(c)
      return {total, cases: top.sorted(), caseCount: cases.size, uncounted}
    },
    held: (): number => cases.size,
  }
}

/** The reason of a case in plain words. */
export function ambiguityReason(c: AmbiguityCase): string {
  const others = c.hosts.filter((x) => x !== c.chosen)
  if (c.cause === 'one-host') return `several sockets on one host (e.g. ${c.chosen}) listen on the address and port the client connects to, as a service with a socket per thread or per address does: the server host is certain, only which of its sockets was picked.`
  const cause =
    c.cause === 'same-sockets'
      ? `${c.hosts.length === 2 ? 'both' : `all ${c.hosts.length}`} agents report the same sockets: ${c.hosts.length === 2 ? 'two agents' : 'several agents'} on one machine (or one machine captured under several names)`
      : `hosts listen on the same address and port (${c.hosts.length} for the example): a shared, virtual or reused address, such as a container bridge on every host`
  const pick = {
    'address-owner': `the host that owns the address was picked (${c.chosen} for the example)`,
    'client-host': `the client's own host was picked (${c.chosen} for the example)`,
    'first-by-name': `none owns the address, so ${c.chosen} was picked as first by name${others.length ? ` over ${others.slice(0, 3).join(', ')}${others.length > 3 ? ', …' : ''}` : ''}`,
  }[c.resolvedBy]
  return `${cause}; ${pick}.`
}

/** The largest ambiguity cases with their reason, pointing to the full list. */
export function ambiguitiesView(document: Document, data: ReportData): HTMLElement {
  const a = data.ambiguities
  if (!a.total) return h(document, 'p', {class: 'muted'}, 'No ambiguities: every matched client had a single possible server.')
  const notes: string[] = []
  if (a.uncounted) notes.push(`${fmtInt(a.uncounted)} ambiguous clients fell in cases past the first ${fmtInt(a.caseCount)} and are counted only.`)
  return h(
    document,
    'div',
    {},
    h(document, 'p', {class: 'muted'}, `${fmtInt(a.total)} client sockets could have been talking to a server on more than one host. Cases group clients by cause: two agents on one machine by their hosts, an address several hosts listen on by that address and the rule that picked, several sockets of one host by their layout; largest first, each with an example.`),
    notes.map((n) => h(document, 'p', {class: 'note'}, n)),
    dataTable(document, {
      id: 'ambiguities',
      caption: 'Largest ambiguity cases',
      columns: [{label: 'Clients', numeric: true}, {label: 'Server address'}, {label: 'Candidate hosts (example)'}, {label: 'Chosen (example)'}, {label: 'Reason'}, {label: 'Example client socket'}],
      rows: a.cases.map((c) => [c.clients, c.server, c.hosts.join(', '), c.chosen, ambiguityReason(c), c.example]),
      total: a.caseCount,
      kept: 'largest cases',
      more: '`fm analyze --format json` lists every ambiguity',
      rowIds: a.cases.map((c) => JSON.stringify([c.hosts, c.chosen, c.resolvedBy, c.cause])),
      idPrefix: 'ambiguity',
    }),
  )
}
