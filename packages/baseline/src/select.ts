import {cmp, serviceName, UsageError, type Endpoint, type MatrixEntry} from '@fm/model'
import {isAddressRange} from './address-range.js'
import {GroupNames, type Groups} from './groups.js'
import {parsePortRange} from './parse-baseline.js'
import {ruleMatches} from './rule-matches.js'
import type {Rule} from './types.js'

/**
 * The selection flags (`fm analyze --host ...`) and the baseline rule field each one is:
 * a selection is a rule, matched as baseline rules are (globs, CIDR ranges, port ranges).
 */
export const SELECT_FIELDS = {
  host: 'host',
  'client-host': 'clientHost',
  'server-host': 'serverHost',
  service: 'process',
  client: 'client',
  server: 'server',
  protocol: 'protocol',
  port: 'port',
  address: 'address',
  'client-address': 'clientAddress',
  'server-address': 'serverAddress',
} as const satisfies Record<string, keyof Rule>

export type SelectFlag = keyof typeof SELECT_FIELDS

/** Flag values as given: each flag repeatable, each value a comma-separated list. */
export type SelectValues = Partial<Record<SelectFlag, string[] | undefined>>

/**
 * The rule the selection flags make (values of one flag: any of; different flags: all of),
 * or null when none is given. A bad port or address range is a UsageError naming the flag.
 */
export function selectionRule(values: SelectValues): Rule | null {
  const rule: Rule = {line: 0, text: ''}
  const parts: string[] = []
  for (const flag of Object.keys(SELECT_FIELDS) as SelectFlag[]) {
    const given = values[flag]
    if (!given || given.length === 0) continue
    const list = given.flatMap((v) => v.split(',')).map((v) => v.trim())
    if (list.some((v) => v === '')) throw new UsageError(`--${flag} has an empty value`, [`--${flag} NAME, repeated or comma-separated: --${flag} a,b`])
    parts.push(`--${flag} ${list.join(',')}`)
    const field = SELECT_FIELDS[flag]
    if (field === 'port') {
      rule.port = list.map((v) => parsePortRange(v) ?? bad(flag, v, 'a port 0-65535, a range such as 8000-8999, or *'))
    } else if (field === 'address' || field === 'clientAddress' || field === 'serverAddress') {
      for (const v of list) if (!isAddressRange(v)) bad(flag, v, 'an address, a CIDR range such as 10.1.0.0/16, or a glob such as 192.168.*')
      rule[field] = list
    } else rule[field] = list
  }
  if (parts.length === 0) return null
  rule.text = parts.join(' ')
  return rule
}

function bad(flag: string, value: string, expected: string): never {
  throw new UsageError(`--${flag} ${JSON.stringify(value.slice(0, 60))} is not ${expected}`)
}

/** Picks (and, with groups, renames) the entries of a matrix as they stream, counting what it kept. */
export interface EntrySelector {
  /** The entry to keep, its services renamed by the groups' service rules; null to leave it out. */
  select(e: MatrixEntry): MatrixEntry | null
  /** Entries seen and kept so far. */
  readonly total: number
  readonly kept: number
  /** The selection flags as given, or null when there are none (groups only rename). */
  readonly rule: Rule | null
  readonly names: GroupNames | null
  /** "42 of 17,553 entries selected (--host cmp-00017)", or null when nothing was filtered. */
  summary(): string | null
}

/**
 * The selector of the flags and groups file. Host patterns also match the host's group, service
 * patterns also the name the groups give the service (and still the process name as seen).
 * `groupHosts` (level group): each end's host becomes its group's name (its own name when no rule names it).
 */
export function entrySelector(opts: {rule?: Rule | null; groups?: Groups | null; groupHosts?: boolean}): EntrySelector {
  const rule = opts.rule ?? null
  const names = opts.groups ? new GroupNames(opts.groups) : null
  let total = 0
  let kept = 0
  const groupHosts = opts.groupHosts === true && names !== null && names.groups.hosts.length > 0
  const rename = (end: Endpoint): Endpoint => {
    const s = names?.service(end) ?? end.name
    const h = (groupHosts && names?.host(end)) || end.host
    return s === end.name && h === end.host ? end : {...end, name: s, host: h}
  }
  return {
    rule,
    names,
    get total() {
      return total
    },
    get kept() {
      return kept
    },
    select(e) {
      total++
      if (rule && !ruleMatches(rule, e, names ?? undefined)) return null
      kept++
      if (!names || (names.groups.services.length === 0 && !groupHosts)) return e
      const client = rename(e.client)
      const server = rename(e.server) as MatrixEntry['server']
      return client === e.client && server === e.server ? e : {...e, client, server}
    },
    summary() {
      return rule ? `${kept.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} entries selected (${rule.text})` : null
    },
  }
}

/** One row of the matrix between groups: `fm analyze --by group`. */
export interface GroupRow {
  protocol: string
  serverGroup: string
  serverService: string
  port: number
  clientGroup: string
  clientService: string
  connections: number
  /** Matrix entries (host-level rows) summed into this row. */
  entries: number
}

export const GROUP_CSV_HEADER = ['protocol', 'server_group', 'server_service', 'port', 'client_group', 'client_service', 'connections', 'entries']

/**
 * Sums entries into rows between groups as they stream: one row per distinct (protocol, server
 * group, server service, port, client group, client service). It holds the rows only, never the
 * entries; an end no host rule names is its own group (its host name).
 */
export class GroupMatrix {
  private readonly rows = new Map<string, GroupRow>()

  /** `alone`: the group of an end no host rule names (default: its own host name); the report pools such hosts under one name. */
  constructor(private readonly names: GroupNames | null, private readonly opts: {alone?: string} = {}) {}

  /** Rows held so far. */
  get size(): number {
    return this.rows.size
  }

  /** The group of an end: its rule's group, else `alone`, else its host. */
  groupOf(end: Pick<Endpoint, 'host' | 'ip'>): string {
    return this.names?.host(end) ?? this.opts.alone ?? end.host
  }

  add(e: MatrixEntry): void {
    const serverGroup = this.groupOf(e.server)
    const clientGroup = this.groupOf(e.client)
    const serverService = serviceName(e.server)
    const clientService = serviceName(e.client)
    const key = JSON.stringify([e.protocol, serverGroup, serverService, e.server.port, clientGroup, clientService])
    const row = this.rows.get(key)
    if (row) {
      row.connections += e.connections
      row.entries++
    } else this.rows.set(key, {protocol: e.protocol, serverGroup, serverService, port: e.server.port, clientGroup, clientService, connections: e.connections, entries: 1})
  }

  /** The rows in a stable order: protocol, server group, server service, port, client group, client service. */
  sorted(): GroupRow[] {
    return [...this.rows.values()].sort(
      (a, b) =>
        cmp(a.protocol, b.protocol) || cmp(a.serverGroup, b.serverGroup) || cmp(a.serverService, b.serverService) || a.port - b.port ||
        cmp(a.clientGroup, b.clientGroup) || cmp(a.clientService, b.clientService),
    )
  }
}

/** The fields of a row, in GROUP_CSV_HEADER's order. */
export function groupRowFields(r: GroupRow): (string | number)[] {
  return [r.protocol, r.serverGroup, r.serverService, r.port, r.clientGroup, r.clientService, r.connections, r.entries]
}
