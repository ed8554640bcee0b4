import type {CheckedEdge, CheckReport, Level, Rule, RuleResult, Violation} from './types.js'

/**
 * A check report read a piece at a time, what the report writers take: the counts up front, and
 * each list as often as asked, in report order. A checker with spills and a RuleStore on disk
 * hands one edge or rule over at a time (BaselineChecker.parts); a CheckReport in memory is one
 * too (reportParts).
 */
export interface CheckReportParts {
  ok: boolean
  level: Level
  snapshots: number
  minSeen: number
  sources: string[]
  counts: {
    /** Edges by status. */
    allowed: number
    ignored: number
    unexpected: number
    flaky: number
    violations: number
    rules: number
    /** Rules that are not ok. */
    failedRules: number
  }
  /** Every edge (CheckReport.edges). */
  edges(): Iterable<CheckedEdge>
  /** The unexpected and flaky edges, in the order of edges(). */
  problems(): Iterable<CheckedEdge>
  /** The rules (CheckReport.rules), or those of one kind. */
  rules(kind?: RuleResult['kind']): Iterable<RuleResult>
  violations(): Iterable<Violation>
  /** The message of the first violation naming this edge or rule (of the same pass: edges are read anew each time). */
  messageOf(x: CheckedEdge | Rule): string | undefined
}

/** A CheckReport held in memory, as parts. */
export function reportParts(r: CheckReport): CheckReportParts {
  // each message looked up once (a find per edge is quadratic with many unexpected edges)
  const messages = new Map<unknown, string>()
  for (const v of r.violations) {
    const k = v.kind === 'missing' ? v.rule : v.edge
    if (!messages.has(k)) messages.set(k, v.message)
  }
  const n = (s: CheckedEdge['status']): number => r.edges.filter((e) => e.status === s).length
  return {
    ok: r.ok,
    level: r.level,
    snapshots: r.snapshots,
    minSeen: r.minSeen,
    sources: r.sources,
    counts: {allowed: n('allowed'), ignored: n('ignored'), unexpected: n('unexpected'), flaky: n('flaky'), violations: r.violations.length, rules: r.rules.length, failedRules: r.rules.filter((x) => !x.ok).length},
    edges: () => r.edges,
    problems: () => r.edges.filter((e) => e.status === 'unexpected' || e.status === 'flaky'),
    rules: (kind) => (kind === undefined ? r.rules : r.rules.filter((x) => x.kind === kind)),
    violations: () => r.violations,
    messageOf: (x) => messages.get(x),
  }
}
