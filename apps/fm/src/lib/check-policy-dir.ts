import {cmp, type CaptureInfo, type MatrixEntry, type ServedPeer} from '@fm/model'
import {resolveMinSeen, type CheckReportParts, type MinSeen, type RuleResult} from '@fm/baseline'
import {mergeRulesets, parsePolicyFile, parsePolicyFiles, peerEntry, PolicyChecker, type ParsedRuleset} from '@fm/policy'
import {SortedSpill, Spill} from '@fm/store'
import {policyDirFiles, readPolicyFile} from './policy-dir.js'
import type {Progress} from './progress.js'
import {readObservation, type ReadObservationOptions} from './read-observation.js'

export interface CheckPolicyDirOptions extends Pick<ReadObservationOptions, 'states' | 'select' | 'redact'> {
  minSeen: MinSeen
  /** Drawn while the inputs are read, done once they are. */
  progress?: Progress
}

/** A policy check's report, read from scratch files: write it (checkPieces), then close it. */
export interface PolicyCheckResult {
  parts: CheckReportParts
  close(): void
}

/**
 * fm check --policy at any size: the entries and the peers of server-side sockets no client was
 * matched to (as peerEntry makes them; the selection applies to both). Every rule file of the folder is read and checked first
 * (readPolicyHosts), keeping only which host each file is for; the entries of hosts with a policy
 * are set aside by host (a SortedSpill), the others accepted as they stream; then each host's
 * files are read again and its entries evaluated, one host at a time, accepted edges and rule
 * results going to scratch files. Memory holds one host's rules and entries, and the dropped
 * edges. Gives the report checkPolicy would.
 */
export async function checkPolicyDir(policy: PolicyHosts, inputs: string[], opts: CheckPolicyDirOptions): Promise<PolicyCheckResult> {
  const check = new SpilledPolicyCheck(policy)
  try {
    const onServedPeer = (p: ServedPeer): void => {
      const e = peerEntry(p)
      const kept = opts.select ? opts.select(e) : e
      if (kept) check.add(kept)
    }
    const captures = await readObservation(inputs, {states: opts.states, select: opts.select, redact: opts.redact, onProgress: opts.progress, onEntry: (e) => check.add(e), onServedPeer})
    opts.progress?.done()
    return {parts: check.finish(captures, resolveMinSeen(opts.minSeen, captures.length)), close: () => check.close()}
  } catch (e) {
    check.close()
    throw e
  }
}

/**
 * The scratch files of checkPolicyDir: entries added as they stream (those of a host without a
 * policy are accepted at once, the others set aside by host), then `finish` reads each host's
 * files again and evaluates its entries, one host at a time (a PolicyChecker).
 * Example: `const c = new SpilledPolicyCheck(readPolicyHosts(dir)); c.add(e); const parts = c.finish(captures, 1); ...; c.close()`
 */
export class SpilledPolicyCheck {
  private readonly index: Map<string, number>
  private readonly entries = new SortedSpill()
  private readonly accepted = new SortedSpill()
  private readonly rules = new Spill()
  private readonly checker: PolicyChecker
  private seq = 0

  constructor(private readonly policy: PolicyHosts) {
    this.index = new Map([...policy.hosts.keys()].map((host, i) => [host, i]))
    this.checker = new PolicyChecker({spill: this.accepted, onRule: (r) => this.rules.addRow(JSON.stringify(r))})
  }

  add(entry: MatrixEntry): void {
    const i = this.index.get(entry.server.host)
    // a host without a policy accepts everything: nothing to wait for
    if (i === undefined) this.checker.addHost(undefined, [{seq: this.seq, entry}])
    else this.entries.add('', '', '', '', '', i, JSON.stringify([i, this.seq, entry]))
    this.seq++
  }

  /** The report's parts, read from the scratch files (valid until close). */
  finish(captures: CaptureInfo[], minSeen: number): CheckReportParts {
    const groups = hostGroups(this.entries.sorted())
    let g = groups.next()
    let i = 0
    for (const files of this.policy.hosts.values()) {
      const [rs] = parsePolicyFiles(files.map(readPolicyFile))
      const mine = !g.done && g.value.index === i
      this.checker.addHost(rs, mine ? g.value.entries : [])
      if (mine) g = groups.next()
      i++
    }
    const rules = this.rules
    return this.checker.parts(captures, minSeen, function* () {
      for (const text of rules.rows()) yield JSON.parse(text) as RuleResult
    })
  }

  close(): void {
    this.entries.close()
    this.accepted.close()
    this.rules.close()
  }
}

/** A policy folder's hosts, each with its rule files, in the order parsePolicyFiles gives their rulesets. */
export interface PolicyHosts {
  dir: string
  hosts: Map<string, string[]>
}

/**
 * The hosts of a policy folder and their rule files. Every file is parsed, one at a time, so that
 * one fm cannot evaluate, or a second ruleset for a host, is an error now (before any input is
 * read), as parsePolicyFiles makes it; only the host names and file names are kept.
 */
export function readPolicyHosts(dir: string): PolicyHosts {
  const seen = new Map<string, ParsedRuleset>()
  for (const name of policyDirFiles(dir).sort(cmp)) {
    const rs = parsePolicyFile(readPolicyFile(name))
    if (!rs) continue
    const had = seen.get(rs.host)
    // the rules themselves are read again when the host's turn comes
    seen.set(rs.host, had ? mergeRulesets(had, {...rs, rules: []}) : {...rs, rules: []})
  }
  return {dir, hosts: new Map([...seen].map(([host, rs]) => [host, rs.files]))}
}

/** The spilled entries (`[host index, seq, entry]` texts, sorted by host index) read back: one group per host. */
function* hostGroups(rows: Iterable<string>): Generator<{index: number; entries: {seq: number; entry: MatrixEntry}[]}> {
  let g: {index: number; entries: {seq: number; entry: MatrixEntry}[]} | null = null
  for (const text of rows) {
    const [index, seq, entry] = JSON.parse(text) as [number, number, MatrixEntry]
    if (g && g.index !== index) {
      yield g
      g = null
    }
    g ??= {index, entries: []}
    g.entries.push({seq, entry})
  }
  if (g) yield g
}
