import type {MatrixEntry} from '@fm/model'
import {firstMatchingRule} from './first-matching-rule.js'
import {edgeLabel, groupEdges} from './group-edges.js'
import {ruleMatches} from './rule-matches.js'
import type {Baseline, CheckedEdge, CheckReport, EdgeStatus, Observation, Rule, RuleResult, Violation} from './types.js'

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
  const snapshots = obs.captures.length
  const minSeen = opts.minSeen ?? 1
  const group = {level: baseline.level, byPort: true}
  // Entries bucketed by the first rule that took them, so every rule's edges are grouped once.
  const ignored = baseline.ignore.map(() => [] as MatrixEntry[])
  const allowed = baseline.allow.map(() => [] as MatrixEntry[])
  const unexpected: MatrixEntry[] = []
  const firstIgnore = firstMatchingRule(baseline.ignore)
  const firstAllow = firstMatchingRule(baseline.allow)
  for (const e of obs.entries) {
    const i = firstIgnore(e)
    if (i >= 0) {
      ignored[i].push(e)
      continue
    }
    const a = firstAllow(e)
    if (a >= 0) allowed[a].push(e)
    else unexpected.push(e)
  }
  const checked = (list: MatrixEntry[], status: EdgeStatus): CheckedEdge[] =>
    groupEdges(list, group).map((e) => ({...e, seen: e.captureIds.length, status: status === 'unexpected' && e.captureIds.length < minSeen ? 'flaky' : status}))
  const rules: RuleResult[] = []
  const edges: CheckedEdge[] = []
  const bucket = (kind: 'allow' | 'ignore', list: Rule[], buckets: MatrixEntry[][]): void => {
    list.forEach((rule, i) => {
      const found = checked(buckets[i], kind === 'allow' ? 'allowed' : 'ignored')
      edges.push(...found)
      rules.push({kind, rule, matched: found.length, seen: union(buckets[i]), ok: true})
    })
  }
  bucket('ignore', baseline.ignore, ignored)
  bucket('allow', baseline.allow, allowed)
  const bad = checked(unexpected, 'unexpected')
  edges.push(...bad)
  const violations: Violation[] = []
  for (const e of bad) {
    if (e.status !== 'unexpected') continue
    violations.push({kind: 'unexpected', edge: e, message: `unexpected edge ${edgeLabel(e)}: seen in ${e.seen} of ${snapshots} snapshots, ${e.connections} connection${e.connections === 1 ? '' : 's'}, hosts ${e.clientHosts.join(',')} → ${e.serverHosts.join(',')}`})
  }
  for (const rule of baseline.require) {
    const hits = obs.entries.filter((e) => ruleMatches(rule, e))
    const seen = union(hits)
    const ok = seen > 0
    rules.push({kind: 'require', rule, matched: groupEdges(hits, group).length, seen, ok})
    if (!ok) violations.push({kind: 'missing', rule, message: `missing required edge ${rule.text} (baseline line ${rule.line}): seen in none of ${snapshots} snapshots`})
  }
  return {
    ok: violations.length === 0,
    level: baseline.level,
    snapshots,
    minSeen,
    sources: obs.captures.map((c) => c.source),
    edges,
    rules,
    violations,
  }
}

function union(entries: MatrixEntry[]): number {
  const s = new Set<number>()
  for (const e of entries) for (const id of e.captureIds ?? []) s.add(id)
  return s.size
}
