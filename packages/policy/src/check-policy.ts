import {type CaptureInfo, type MatrixEntry, type ServedPeer} from '@fm/model'
import {compareEdges, EdgeGrouper, groupEdges, type CheckedEdge, type CheckReport, type CheckReportParts, type Edge, type EdgeRowSpill, type Observation, type Rule, type RuleResult, type Violation} from '@fm/baseline'
import {evaluateConnection, type ConnectionVerdict} from './evaluate-connection.js'
import {peerEntry} from './peer-entry.js'
import type {ParsedRule, ParsedRuleset} from './types.js'

export interface CheckPolicyOptions {
  /** Dropped edges seen in fewer snapshots than this are reported as flaky and do not fail the check. */
  minSeen?: number
  /** Peers seen on server-side sockets that no client was matched to: connections the policy must keep too. */
  peers?: Iterable<ServedPeer>
}

/** Edges at the level a policy is checked at: hosts and ports apart, as a host's rules see them. */
const GROUP = {level: 'host' as const, byPort: true}

/** What the server host's policy does with an observed entry, as a new connection. */
export function evaluateEntry(rs: ParsedRuleset | undefined, e: MatrixEntry): ConnectionVerdict {
  return evaluateConnection(rs, {protocol: e.protocol, clientHost: e.client.host, clientIp: e.client.ip, serverHost: e.server.host, serverIp: e.server.ip, port: e.server.port})
}

/** Each observed matrix entry with what the server host's policy does with it. */
export function evaluateEntries(rulesets: ParsedRuleset[], entries: Iterable<MatrixEntry>): {entry: MatrixEntry; result: ConnectionVerdict}[] {
  const byHost = new Map(rulesets.map((r) => [r.host, r]))
  const out: {entry: MatrixEntry; result: ConnectionVerdict}[] = []
  for (const e of entries) out.push({entry: e, result: evaluateEntry(byHost.get(e.server.host), e)})
  return out
}

/**
 * "What would this policy block?", fed one server host at a time: each host's entries against its
 * ruleset, folded into a check report (host level) that @fm/baseline's writers print. A connection
 * the policy drops, or in monitor mode logs (enforcing would drop it), is a violation; each accept
 * rule is a passing rule with the edges it lets in. Edges never span server hosts, so each host's
 * dropped edges are complete once it is added; accepted entries are grouped into edges (in
 * `spill` when given: a SortedSpill of @fm/store) and rule results go to `onRule`, in the order
 * hosts are added. Only the dropped edges are held. Example:
 * `const c = new PolicyChecker({onRule: (r) => rules.push(r)}); c.addHost(rs, entries); c.parts(captures, minSeen, () => rules)`
 */
export class PolicyChecker {
  private readonly blocked = new Map<string, {first: number; edges: Edge[]}>()
  private readonly accepted: EdgeGrouper
  private readonly onRule: (r: RuleResult) => void
  private rules = 0

  constructor(opts: {spill?: EdgeRowSpill; onRule: (r: RuleResult) => void}) {
    this.accepted = new EdgeGrouper(GROUP, opts.spill)
    this.onRule = opts.onRule
  }

  /**
   * One server host: its ruleset (undefined: the host has no policy, everything is accepted) and
   * its entries, each with its place in the observation (`seq`: reports list the reasons a
   * connection is dropped in the order the observation first shows them). A host is added once.
   */
  addHost(rs: ParsedRuleset | undefined, entries: Iterable<{seq: number; entry: MatrixEntry}>): void {
    const byRule = new Map<ParsedRule, MatrixEntry[]>()
    const blocked = new Map<string, {first: number; entries: MatrixEntry[]}>()
    for (const {seq, entry} of entries) {
      const result = evaluateEntry(rs, entry)
      if (result.verdict === 'accept' && !result.logged) {
        this.accepted.add(entry)
        if (result.rule) {
          const list = byRule.get(result.rule)
          if (list) list.push(entry)
          else byRule.set(result.rule, [entry])
        }
        continue
      }
      const why = result.verdict === 'drop' ? result.why : `logged by the monitor-mode policy, dropped once enforced (${result.why})`
      const b = blocked.get(why)
      if (b) b.entries.push(entry)
      else blocked.set(why, {first: seq, entries: [entry]})
    }
    for (const [why, b] of blocked) {
      const had = this.blocked.get(why)
      const edges = groupEdges(b.entries, GROUP)
      if (!had) this.blocked.set(why, {first: b.first, edges})
      else {
        had.first = Math.min(had.first, b.first)
        for (const e of edges) had.edges.push(e)
      }
    }
    for (const r of rs?.rules ?? []) {
      if (r.verdict !== 'accept' || !r.protocol) continue
      const hits = byRule.get(r) ?? []
      const seen = new Set(hits.flatMap((e) => e.captureIds ?? [])).size
      const rule: Rule = {line: r.line, text: `${rs!.host}: ${r.file} accepts ${r.protocol}/${r.ports?.join(',') ?? '*'} from ${r.sources?.length ?? 'any'} source${r.sources?.length === 1 ? '' : 's'}`}
      this.rules++
      this.onRule({kind: 'allow', rule, matched: groupEdges(hits, GROUP).length, seen, ok: true})
    }
  }

  /**
   * The report once every host is added: accepted edges read from the grouper (anew each time
   * they are asked for), dropped ones grouped by why in the order the observation first shows
   * each, and `rules` the rule results onRule took, in order.
   */
  parts(captures: CaptureInfo[], minSeen: number, rules: () => Iterable<RuleResult>): CheckReportParts {
    const snapshots = captures.length
    const problems: CheckedEdge[] = []
    const violations: Violation[] = []
    const messages = new Map<CheckedEdge, string>()
    for (const [why, {edges}] of [...this.blocked].sort((a, b) => a[1].first - b[1].first)) {
      for (const e of edges.sort(compareEdges)) {
        const edge: CheckedEdge = {...e, seen: e.captureIds.length, status: e.captureIds.length < minSeen ? 'flaky' : 'unexpected'}
        problems.push(edge)
        if (edge.status !== 'unexpected') continue
        // a peer no captured client was matched to has no host (peerEntry)
        const from = e.clientHosts.map((h) => h || 'an outside peer').join(',')
        const message = `policy ${why.startsWith('logged') ? 'would drop' : 'drops'} ${e.protocol}/${e.port} from ${from} ${e.clientIps.join(',')} (${e.client.service}) to ${e.serverHosts.join(',')} ${e.serverIps.join(',')} (${e.server.service}): seen in ${edge.seen} of ${snapshots} snapshots, ${e.connections} connection${e.connections === 1 ? '' : 's'}; ${why}`
        violations.push({kind: 'unexpected', edge, message})
        messages.set(edge, message)
      }
    }
    const accepted = this.accepted
    const allowed = function* (): Generator<CheckedEdge> {
      for (const e of accepted.edgeStream()) yield {...e, seen: e.captureIds.length, status: 'allowed'}
    }
    let allowedCount: number | null = null
    const flaky = problems.filter((e) => e.status === 'flaky').length
    const ruleCount = this.rules
    return {
      ok: violations.length === 0,
      level: 'host',
      snapshots,
      minSeen,
      sources: captures.map((c) => c.source),
      counts: {
        // counted when first asked for: a pass over the accepted edges
        get allowed() {
          if (allowedCount === null) {
            let n = 0
            for (const e of accepted.edgeStream()) if (e) n++
            allowedCount = n
          }
          return allowedCount
        },
        ignored: 0,
        unexpected: violations.length,
        flaky,
        violations: violations.length,
        rules: ruleCount,
        failedRules: 0,
      },
      edges: function* () {
        yield* allowed()
        yield* problems
      },
      problems: () => problems,
      rules: (kind) => (kind === undefined || kind === 'allow' ? rules() : []),
      violations: () => violations,
      messageOf: (x) => messages.get(x as CheckedEdge),
    }
  }
}

/**
 * "What would this policy block?": every observed connection (the entries, and the peers of
 * server-side sockets no client was matched to) against the policy of its server host, as a check
 * report (host level), held in memory: what PolicyChecker gives for a small
 * observation (at scale, feed a PolicyChecker one host at a time and write its parts).
 */
export function checkPolicy(rulesets: ParsedRuleset[], obs: Observation, opts: CheckPolicyOptions = {}): CheckReport {
  const rules: RuleResult[] = []
  const checker = new PolicyChecker({onRule: (r) => rules.push(r)})
  const byHost = new Map<string, {seq: number; entry: MatrixEntry}[]>(rulesets.map((r) => [r.host, []]))
  let seq = 0
  const peers = function* (): Generator<MatrixEntry> {
    for (const p of opts.peers ?? []) yield peerEntry(p)
  }
  for (const entry of [...obs.entries, ...peers()]) {
    const list = byHost.get(entry.server.host)
    if (list) list.push({seq, entry})
    else checker.addHost(undefined, [{seq, entry}])
    seq++
  }
  for (const rs of rulesets) checker.addHost(rs, byHost.get(rs.host)!)
  return heldReport(checker.parts(obs.captures, opts.minSeen ?? 1, () => rules))
}

/** A report's parts held as a CheckReport. */
function heldReport(p: CheckReportParts): CheckReport {
  return {ok: p.ok, level: p.level, snapshots: p.snapshots, minSeen: p.minSeen, sources: p.sources, edges: [...p.edges()], rules: [...p.rules()], violations: [...p.violations()]}
}
