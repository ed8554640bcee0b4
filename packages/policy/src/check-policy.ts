import type {MatrixEntry} from '@fm/model'
import {groupEdges, type CheckedEdge, type CheckReport, type Observation, type Rule, type RuleResult, type Violation} from '@fm/baseline'
import {evaluateConnection, type ConnectionVerdict} from './evaluate-connection.js'
import type {ParsedRule, ParsedRuleset} from './types.js'

export interface CheckPolicyOptions {
  /** Dropped edges seen in fewer snapshots than this are reported as flaky and do not fail the check. */
  minSeen?: number
}

/** Each observed matrix entry with what the server host's policy does with it. */
export function evaluateEntries(rulesets: ParsedRuleset[], entries: Iterable<MatrixEntry>): {entry: MatrixEntry; result: ConnectionVerdict}[] {
  const byHost = new Map(rulesets.map((r) => [r.host, r]))
  const out: {entry: MatrixEntry; result: ConnectionVerdict}[] = []
  for (const e of entries) {
    out.push({entry: e, result: evaluateConnection(byHost.get(e.server.host), {protocol: e.protocol, clientHost: e.client.host, clientIp: e.client.ip, serverHost: e.server.host, serverIp: e.server.ip, port: e.server.port})})
  }
  return out
}

/**
 * "What would this policy block?": every observed connection against the policy of its server
 * host, as a check report (host level) that @fm/baseline's formatters print. A connection the
 * policy drops, or in monitor mode logs (enforcing would drop it), is a violation; each accept
 * rule is a passing rule with the edges it lets in.
 */
export function checkPolicy(rulesets: ParsedRuleset[], obs: Observation, opts: CheckPolicyOptions = {}): CheckReport {
  const snapshots = obs.captures.length
  const minSeen = opts.minSeen ?? 1
  const accepted: MatrixEntry[] = []
  const byRule = new Map<ParsedRule, MatrixEntry[]>()
  const blocked = new Map<string, MatrixEntry[]>()
  for (const {entry, result} of evaluateEntries(rulesets, obs.entries)) {
    if (result.verdict === 'accept' && !result.logged) {
      accepted.push(entry)
      if (result.rule) {
        const list = byRule.get(result.rule)
        if (list) list.push(entry)
        else byRule.set(result.rule, [entry])
      }
      continue
    }
    const why = result.verdict === 'drop' ? result.why : `logged by the monitor-mode policy, dropped once enforced (${result.why})`
    const list = blocked.get(why)
    if (list) list.push(entry)
    else blocked.set(why, [entry])
  }
  const group = {level: 'host' as const, byPort: true}
  const edges: CheckedEdge[] = groupEdges(accepted, group).map((e) => ({...e, seen: e.captureIds.length, status: 'allowed'}))
  const violations: Violation[] = []
  for (const [why, list] of blocked) {
    for (const e of groupEdges(list, group)) {
      const edge: CheckedEdge = {...e, seen: e.captureIds.length, status: e.captureIds.length < minSeen ? 'flaky' : 'unexpected'}
      edges.push(edge)
      if (edge.status !== 'unexpected') continue
      violations.push({
        kind: 'unexpected',
        edge,
        message: `policy ${why.startsWith('logged') ? 'would drop' : 'drops'} ${e.protocol}/${e.port} from ${e.clientHosts.join(',')} ${e.clientIps.join(',')} (${e.client.service}) to ${e.serverHosts.join(',')} ${e.serverIps.join(',')} (${e.server.service}): seen in ${edge.seen} of ${snapshots} snapshots, ${e.connections} connection${e.connections === 1 ? '' : 's'}; ${why}`,
      })
    }
  }
  const rules: RuleResult[] = []
  for (const rs of rulesets) {
    for (const r of rs.rules) {
      if (r.verdict !== 'accept' || !r.protocol) continue
      const hits = byRule.get(r) ?? []
      const seen = new Set(hits.flatMap((e) => e.captureIds ?? [])).size
      const rule: Rule = {line: r.line, text: `${rs.host}: ${r.file} accepts ${r.protocol}/${r.ports?.join(',') ?? '*'} from ${r.sources?.length ?? 'any'} source${r.sources?.length === 1 ? '' : 's'}`}
      rules.push({kind: 'allow', rule, matched: groupEdges(hits, group).length, seen, ok: true})
    }
  }
  return {ok: violations.length === 0, level: 'host', snapshots, minSeen, sources: obs.captures.map((c) => c.source), edges, rules, violations}
}
