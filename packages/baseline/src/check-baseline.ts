import type {CaptureInfo, MatrixEntry} from '@fm/model'
import {firstMatchingRule} from './first-matching-rule.js'
import {edgeKey, edgeLabel, EdgeGrouper, type EdgeRowSpill, type GroupOptions} from './group-edges.js'
import {ruleMatches} from './rule-matches.js'
import type {Baseline, CheckedEdge, CheckReport, EdgeStatus, Observation, RuleResult, Violation} from './types.js'

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

/** A rule's share of the entries: their edges, and the snapshots they were seen in. */
interface Bucket {
  edges: EdgeGrouper
  captures: Set<number>
}

/**
 * checkBaseline one entry at a time, so entries can stream from an analysis and only the edges
 * are held; the snapshots (and so --min-seen) are known at the end.
 * Example: `const c = new BaselineChecker(b); c.add(e); ...; c.report(captures, {minSeen: 2})`
 */
export class BaselineChecker {
  private readonly group: GroupOptions
  private readonly ignored: Bucket[]
  private readonly allowed: Bucket[]
  private readonly unexpected: Bucket
  /** Per require rule: the keys of the edges satisfying it, and their snapshots. */
  private readonly required: {keys: Set<string>; captures: Set<number>}[]
  private readonly firstIgnore: (e: MatrixEntry) => number
  private readonly firstAllow: (e: MatrixEntry) => number

  /** `unexpectedSpill`: the edges no rule takes are set aside there (see streamedReport), not held. */
  constructor(
    private readonly baseline: Baseline,
    unexpectedSpill?: EdgeRowSpill,
  ) {
    this.group = {level: baseline.level, byPort: true}
    const bucket = (spill?: EdgeRowSpill): Bucket => ({edges: new EdgeGrouper(this.group, spill), captures: new Set()})
    this.ignored = baseline.ignore.map(() => bucket())
    this.allowed = baseline.allow.map(() => bucket())
    this.unexpected = bucket(unexpectedSpill)
    this.required = baseline.require.map(() => ({keys: new Set<string>(), captures: new Set<number>()}))
    this.firstIgnore = firstMatchingRule(baseline.ignore)
    this.firstAllow = firstMatchingRule(baseline.allow)
  }

  add(e: MatrixEntry): void {
    // entries go to the first rule that takes them, so every rule's edges are grouped once
    const i = this.firstIgnore(e)
    const a = i >= 0 ? -1 : this.firstAllow(e)
    const b = i >= 0 ? this.ignored[i] : a >= 0 ? this.allowed[a] : this.unexpected
    b.edges.add(e)
    for (const id of e.captureIds ?? []) b.captures.add(id)
    this.baseline.require.forEach((rule, j) => {
      if (!ruleMatches(rule, e)) return
      const r = this.required[j]
      r.keys.add(edgeKey(e, this.group))
      for (const id of e.captureIds ?? []) r.captures.add(id)
    })
  }

  /**
   * report() without the edges no rule takes: `report` lists the allowed and ignored edges and
   * the missing required ones, and `unexpected()` folds the others back one at a time, in order
   * (unexpected or flaky by `minSeen`), as often as called when the checker was given a spill.
   */
  streamedReport(captures: CaptureInfo[], opts: CheckOptions = {}): {report: CheckReport; unexpected: () => Iterable<CheckedEdge>} {
    const minSeen = opts.minSeen ?? 1
    const report = this.report(captures, opts, false)
    const unexpected = function* (this: BaselineChecker): Generator<CheckedEdge> {
      for (const e of this.unexpected.edges.edgeStream()) yield Object.assign(e, {seen: e.captureIds.length, status: e.captureIds.length < minSeen ? 'flaky' : 'unexpected'}) as CheckedEdge
    }
    return {report, unexpected: () => unexpected.call(this)}
  }

  /** The report over `captures` (the snapshots the entries came from). */
  report(captures: CaptureInfo[], opts: CheckOptions = {}, withUnexpected = true): CheckReport {
    const baseline = this.baseline
    const snapshots = captures.length
    const minSeen = opts.minSeen ?? 1
    const checked = (b: Bucket, status: EdgeStatus): CheckedEdge[] =>
      // in place (the same keys, in the same order, as a copy): the edges are the report's bulk
      b.edges.edges().map((e) => Object.assign(e, {seen: e.captureIds.length, status: status === 'unexpected' && e.captureIds.length < minSeen ? 'flaky' : status}) as CheckedEdge)
    const rules: RuleResult[] = []
    const edges: CheckedEdge[] = []
    const bucket = (kind: 'allow' | 'ignore', buckets: Bucket[]): void => {
      const list = kind === 'allow' ? baseline.allow : baseline.ignore
      list.forEach((rule, i) => {
        const found = checked(buckets[i], kind === 'allow' ? 'allowed' : 'ignored')
        // one push per edge: a spread of a rule's edges into push() overflows the stack on a large matrix
        for (const e of found) edges.push(e)
        rules.push({kind, rule, matched: found.length, seen: buckets[i].captures.size, ok: true})
      })
    }
    bucket('ignore', this.ignored)
    bucket('allow', this.allowed)
    const bad = withUnexpected ? checked(this.unexpected, 'unexpected') : []
    for (const e of bad) edges.push(e)
    const violations: Violation[] = []
    for (const e of bad) {
      if (e.status !== 'unexpected') continue
      violations.push({kind: 'unexpected', edge: e, message: `unexpected edge ${edgeLabel(e)}: seen in ${e.seen} of ${snapshots} snapshots, ${e.connections} connection${e.connections === 1 ? '' : 's'}, hosts ${e.clientHosts.join(',')} → ${e.serverHosts.join(',')}`})
    }
    baseline.require.forEach((rule, j) => {
      const seen = this.required[j].captures.size
      const ok = seen > 0
      rules.push({kind: 'require', rule, matched: this.required[j].keys.size, seen, ok})
      if (!ok) violations.push({kind: 'missing', rule, message: `missing required edge ${rule.text} (baseline line ${rule.line}): seen in none of ${snapshots} snapshots`})
    })
    return {
      ok: violations.length === 0,
      level: baseline.level,
      snapshots,
      minSeen,
      sources: captures.map((c) => c.source),
      edges,
      rules,
      violations,
    }
  }
}
