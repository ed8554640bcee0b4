import {cmp, type MatrixEntry} from '@fm/model'
import {resolveMinSeen, type CheckReportParts, type MinSeen, type RuleResult} from '@fm/baseline'
import {mergeRulesets, parsePolicyFile, parsePolicyFiles, PolicyChecker, type ParsedRuleset} from '@fm/policy'
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
 * fm check --policy at any size. Every rule file of the folder is read and checked first
 * (readPolicyHosts), keeping only which host each file is for; the entries of hosts with a policy are set aside by host (a SortedSpill), the others
 * accepted as they stream; then each host's files are read again and its entries evaluated, one
 * host at a time, accepted edges and rule results going to scratch files. Memory holds one host's
 * rules and entries, and the dropped edges. Gives the report checkPolicy would.
 */
export async function checkPolicyDir(policy: PolicyHosts, inputs: string[], opts: CheckPolicyDirOptions): Promise<PolicyCheckResult> {
  const {hosts} = policy
  const index = new Map([...hosts.keys()].map((host, i) => [host, i]))
  const entries = new SortedSpill()
  const accepted = new SortedSpill()
  const rules = new Spill()
  const close = (): void => {
    entries.close()
    accepted.close()
    rules.close()
  }
  try {
    const checker = new PolicyChecker({spill: accepted, onRule: (r) => rules.addRow(JSON.stringify(r))})
    let seq = 0
    const captures = await readObservation(inputs, {
      states: opts.states,
      select: opts.select,
      redact: opts.redact,
      onProgress: opts.progress,
      onEntry: (entry) => {
        const i = index.get(entry.server.host)
        // a host without a policy accepts everything: nothing to wait for
        if (i === undefined) checker.addHost(undefined, [{seq, entry}])
        else entries.add('', '', '', '', '', i, JSON.stringify([i, seq, entry]))
        seq++
      },
    })
    opts.progress?.done()
    const groups = hostGroups(entries.sorted())
    let g = groups.next()
    let i = 0
    for (const files of hosts.values()) {
      const [rs] = parsePolicyFiles(files.map(readPolicyFile))
      checker.addHost(rs, !g.done && g.value.index === i ? g.value.entries : [])
      if (!g.done && g.value.index === i) g = groups.next()
      i++
    }
    const parts = checker.parts(captures, resolveMinSeen(opts.minSeen, captures.length), function* () {
      for (const text of rules.rows()) yield JSON.parse(text) as RuleResult
    })
    return {parts, close}
  } catch (e) {
    close()
    throw e
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
