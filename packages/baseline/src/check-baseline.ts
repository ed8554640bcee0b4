import type {CaptureInfo, MatrixEntry} from '@fm/model'
import {edgeKey, edgeLabel, EdgeGrouper, type EdgeRowSpill, type GroupOptions} from './group-edges.js'
import type {CheckReportParts} from './report-parts.js'
import {baselineRules, type BaselineRules} from './rule-list.js'
import {ruleMatches} from './rule-matches.js'
import type {Baseline, CheckedEdge, CheckReport, Edge, EdgeStatus, Observation, Rule, RuleResult, Violation} from './types.js'

export interface CheckOptions {
  /** Unexpected edges seen in fewer snapshots than this are reported as flaky and do not fail the check. */
  minSeen?: number
}

/**
 * Checks observed traffic against a baseline. An entry matched by an `ignore` rule is dropped;
 * one matched by an `allow` rule is allowed; anything else is unexpected. A `require` rule is
 * satisfied when some observed entry (ignored ones too) matches it in at least one snapshot.
 */
export function checkBaseline(baseline: Baseline, obs: Observation, opts: CheckOptions = {}): CheckReport {
  const c = new BaselineChecker(baseline)
  for (const e of obs.entries) c.add(e)
  return c.report(obs.captures, opts)
}

/**
 * Where a checker sets entries aside instead of holding their edges (SortedSpills of @fm/store):
 * `unexpected`, those no rule takes; `rules`, those an allow or ignore rule takes (each rule's
 * edges kept apart by a tag).
 */
export interface CheckerSpills {
  unexpected?: EdgeRowSpill
  rules?: EdgeRowSpill
}

/**
 * checkBaseline one entry at a time, so entries can stream from an analysis; the snapshots (and
 * so --min-seen) are known at the end. Held in memory: the edges (without spills) and the
 * baseline (without a RuleStore on disk behind its BaselineRules). With both, memory does not
 * grow with the baseline or the matrix, and `parts()` reads the report back a piece at a time.
 * Example: `const c = new BaselineChecker(b); c.add(e); ...; c.report(captures, {minSeen: 2})`
 */
export class BaselineChecker {
  private readonly group: GroupOptions
  private readonly rules: BaselineRules
  /** The entries an ignore rule (tag: its index) or an allow rule (tag: ignore rules + its index) takes. */
  private readonly taken: RuleEdges
  private readonly unexpected: EdgeGrouper
  /** Per require rule: the keys of the edges satisfying it, and their snapshots. */
  private readonly required: {keys: Set<string>; captures: Set<number>}[]

  /** A spill given alone is `unexpected`'s (see CheckerSpills). */
  constructor(baseline: Baseline | BaselineRules, spills: EdgeRowSpill | CheckerSpills = {}) {
    this.rules = 'version' in baseline ? baselineRules(baseline) : baseline
    const s: CheckerSpills = 'sorted' in spills ? {unexpected: spills} : spills
    this.group = {level: this.rules.level, byPort: true}
    this.taken = new RuleEdges(this.group, s.rules)
    this.unexpected = new EdgeGrouper(this.group, s.unexpected)
    this.required = this.rules.require.map(() => ({keys: new Set<string>(), captures: new Set<number>()}))
  }

  add(e: MatrixEntry): void {
    // entries go to the first rule that takes them, so every rule's edges are grouped once
    const i = this.rules.ignore.first(e)
    const a = i >= 0 ? -1 : this.rules.allow.first(e)
    if (i >= 0) this.taken.add(i, e)
    else if (a >= 0) this.taken.add(this.rules.ignore.count + a, e)
    else this.unexpected.add(e)
    this.rules.require.forEach((rule, j) => {
      if (!ruleMatches(rule, e)) return
      const r = this.required[j]
      r.keys.add(edgeKey(e, this.group))
      for (const id of e.captureIds ?? []) r.captures.add(id)
    })
  }

  /**
   * The report over `captures` (the snapshots the entries came from), read a piece at a time:
   * each list as often as asked, one edge or rule in memory at a time when the checker was given
   * spills and a RuleStore on disk. The counts come from one pass over the rules' edges here.
   */
  parts(captures: CaptureInfo[], opts: CheckOptions = {}): CheckReportParts {
    const {ignore, allow, require} = this.rules
    const snapshots = captures.length
    const minSeen = opts.minSeen ?? 1
    // per allow and ignore rule (by tag): how many edges it took, and in how many snapshots
    const matched = new Uint32Array(ignore.count + allow.count)
    const seen = new Uint32Array(ignore.count + allow.count)
    let tag = -1
    let ids = new Set<number>()
    for (const [t, e] of this.taken.stream()) {
      if (t !== tag) {
        if (tag >= 0) seen[tag] = ids.size
        ids = new Set()
        tag = t
      }
      matched[t]++
      for (const id of e.captureIds) ids.add(id)
    }
    if (tag >= 0) seen[tag] = ids.size
    let ignored = 0
    let allowed = 0
    for (let t = 0; t < matched.length; t++) {
      if (t < ignore.count) ignored += matched[t]
      else allowed += matched[t]
    }
    const status = (e: Edge): EdgeStatus => (e.captureIds.length < minSeen ? 'flaky' : 'unexpected')
    let unexpected = 0
    let flaky = 0
    for (const e of this.unexpected.edgeStream()) {
      if (status(e) === 'flaky') flaky++
      else unexpected++
    }
    const missing = new Map<Rule, string>()
    require.forEach((rule, j) => {
      if (this.required[j].captures.size === 0) missing.set(rule, `missing required edge ${rule.text} (baseline line ${rule.line}): seen in none of ${snapshots} snapshots`)
    })
    const message = (e: CheckedEdge): string =>
      `unexpected edge ${edgeLabel(e)}: seen in ${e.seen} of ${snapshots} snapshots, ${e.connections} connection${e.connections === 1 ? '' : 's'}, hosts ${e.clientHosts.join(',')} → ${e.serverHosts.join(',')}`
    const checked = (e: Edge, s: EdgeStatus): CheckedEdge => Object.assign(e, {seen: e.captureIds.length, status: s}) as CheckedEdge
    const self = this
    const problems = function* (): Generator<CheckedEdge> {
      for (const e of self.unexpected.edgeStream()) yield checked(e, status(e))
    }
    const rules = function* (kind?: RuleResult['kind']): Generator<RuleResult> {
      if (kind === undefined || kind === 'ignore') {
        let i = 0
        for (const rule of ignore.rules()) yield {kind: 'ignore', rule, matched: matched[i], seen: seen[i++], ok: true}
      }
      if (kind === undefined || kind === 'allow') {
        let i = ignore.count
        for (const rule of allow.rules()) yield {kind: 'allow', rule, matched: matched[i], seen: seen[i++], ok: true}
      }
      if (kind === undefined || kind === 'require') {
        for (const [j, rule] of require.entries()) {
          const n = self.required[j].captures.size
          yield {kind: 'require', rule, matched: self.required[j].keys.size, seen: n, ok: n > 0}
        }
      }
    }
    return {
      ok: unexpected + missing.size === 0,
      level: this.rules.level,
      snapshots,
      minSeen,
      sources: captures.map((c) => c.source),
      counts: {allowed, ignored, unexpected, flaky, violations: unexpected + missing.size, rules: ignore.count + allow.count + require.length, failedRules: missing.size},
      *edges() {
        for (const [t, e] of self.taken.stream()) yield checked(e, t < ignore.count ? 'ignored' : 'allowed')
        yield* problems()
      },
      problems,
      rules,
      *violations(): Generator<Violation> {
        for (const e of problems()) if (e.status === 'unexpected') yield {kind: 'unexpected', edge: e, message: message(e)}
        for (const [rule, m] of missing) yield {kind: 'missing', rule, message: m}
      },
      messageOf: (x) => ('status' in x ? (x.status === 'unexpected' ? message(x) : undefined) : missing.get(x)),
    }
  }

  /** parts() without the edges no rule takes, and those edges (unexpected or flaky by `minSeen`), one at a time, as often as asked. */
  streamedReport(captures: CaptureInfo[], opts: CheckOptions = {}): {report: CheckReportParts; unexpected: () => Iterable<CheckedEdge>} {
    const report = this.parts(captures, opts)
    return {report, unexpected: report.problems}
  }

  /** The report over `captures` (the snapshots the entries came from), whole in memory. */
  report(captures: CaptureInfo[], opts: CheckOptions = {}): CheckReport {
    const p = this.parts(captures, opts)
    // one push per edge: a spread of a large list into push() overflows the stack
    const edges: CheckedEdge[] = []
    for (const e of p.edges()) edges.push(e)
    const rules: RuleResult[] = []
    for (const r of p.rules()) rules.push(r)
    const violations: Violation[] = []
    for (const v of p.violations()) violations.push(v)
    return {ok: p.ok, level: p.level, snapshots: p.snapshots, minSeen: p.minSeen, sources: p.sources, edges, rules, violations}
  }
}

/** The entries rules took, grouped into edges per rule (a tag each): in memory, one grouper per tag, or in one spill. */
class RuleEdges {
  private readonly held = new Map<number, EdgeGrouper>()
  private readonly spilled: EdgeGrouper | null

  constructor(
    private readonly group: GroupOptions,
    spill?: EdgeRowSpill,
  ) {
    this.spilled = spill ? new EdgeGrouper(group, spill) : null
  }

  add(tag: number, e: MatrixEntry): void {
    if (this.spilled) return this.spilled.add(e, tag)
    let g = this.held.get(tag)
    if (!g) this.held.set(tag, (g = new EdgeGrouper(this.group)))
    g.add(e)
  }

  /** The edges by tag, then in compareEdges order. */
  *stream(): Generator<[number, Edge]> {
    if (this.spilled) return yield* this.spilled.taggedStream() as Generator<[number, Edge]>
    for (const tag of [...this.held.keys()].sort((a, b) => a - b)) for (const e of this.held.get(tag)!.edges()) yield [tag, e]
  }
}

