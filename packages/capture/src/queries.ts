import {UsageError} from '@fm/model'
import type {ResponseRole} from '@fm/ingest'

export interface CaptureQuery {
  role: ResponseRole
  gremlin: string
}

export interface QueryOptions {
  /** Capture the whole graph `G` instead of the targeted node and edge queries. */
  full?: boolean
  /** Also capture flows with a transport layer, and their sockets. */
  useFlows?: boolean
  /** Gremlin time context: a time (`-10m`, a timestamp, an RFC 1123 date). */
  at?: string
  /** Seconds of history around `at`. */
  duration?: number
}

/**
 * The Gremlin time context prefix for `--at` / `--duration`, as the original tool built it:
 * `Context('-10m', 60)`; null without `--at`.
 */
export function timeContext(at: string | undefined, duration?: number): string | null {
  if (at === undefined || at === '') {
    if (duration !== undefined) throw new UsageError('`duration` needs `at` (the time the duration is counted from)')
    return null
  }
  // the value goes inside a quoted Gremlin string: refuse anything that could end it
  if (!/^[\w\s:+\-.,]+$/.test(at)) {
    throw new UsageError(`\`at\` ${JSON.stringify(at)} is not a time: use a Go duration (-10m), a Unix timestamp, or an RFC 1123 date`)
  }
  if (duration === undefined) return `Context('${at}')`
  if (!Number.isInteger(duration) || duration <= 0) throw new UsageError('`duration` must be a positive number of seconds')
  return `Context('${at}', ${duration})`
}

/**
 * The queries a capture sends, in order. Without `full`, only what matching reads: host nodes
 * (they carry the sockets), netns nodes, interface nodes with addresses, ownership edges.
 * The two interface queries are disjoint so no node is saved twice.
 */
export function captureQueries(opts: QueryOptions = {}): CaptureQuery[] {
  const ctx = timeContext(opts.at, opts.duration)
  const g = ctx ? `G.${ctx}` : 'G'
  const notHostOrNetns = "Has('Type', Without('host', 'netns'))"
  const list: CaptureQuery[] = opts.full
    ? [{role: 'graph', gremlin: g}]
    : [
        {role: 'hosts', gremlin: `${g}.V().Has('Type', 'host')`},
        {role: 'netns', gremlin: `${g}.V().Has('Type', 'netns')`},
        {role: 'interfaces', gremlin: `${g}.V().HasKey('IPV4').${notHostOrNetns}`},
        {role: 'interfaces-v6', gremlin: `${g}.V().HasKey('IPV6').HasNot('IPV4').${notHostOrNetns}`},
        {role: 'ownership', gremlin: `${g}.E().Has('RelationType', 'ownership')`},
      ]
  if (opts.useFlows) {
    list.push({role: 'flows', gremlin: `${g}.Flows().Has('Transport', NE(''))`})
    list.push({role: 'flow-sockets', gremlin: `${g}.Flows().Has('Transport', NE('')).Sockets()`})
  }
  return list
}

/**
 * Parses an interval such as `30s`, `2m`, `1h`, `500ms` or a plain number of seconds.
 * Example: `parseInterval('2m') === 120`
 */
export function parseInterval(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text)
  if (!m) throw new UsageError(`${JSON.stringify(text)} is not an interval: use e.g. 30s, 2m, 1h`)
  const n = Number(m[1]) * ({ms: 0.001, s: 1, m: 60, h: 3600}[m[2] ?? 's'] as number)
  if (!(n > 0)) throw new UsageError(`interval ${JSON.stringify(text)} must be more than zero`)
  return n
}
