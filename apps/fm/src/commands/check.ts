import {Args, Flags} from '@oclif/core'
import {BaselineChecker, parseMinSeen, resolveMinSeen, type CheckFormat, type CheckReportParts} from '@fm/baseline'
import {CheckFailedError} from '@fm/model'
import {SortedSpill} from '@fm/store'
import {loadBaseline} from '../lib/baseline-file.js'
import {FmCommand} from '../lib/base-command.js'
import {writeCheckReport} from '../lib/check-output.js'
import {checkPolicyDir, readPolicyHosts} from '../lib/check-policy-dir.js'
import {exitCodeOf} from '../lib/errors.js'
import {entrySelection, matchFlags, noteSelection, parseStates, selectFlags} from '../lib/flags.js'
import {checkOutputs} from '../lib/check-outputs.js'
import {readObservation} from '../lib/read-observation.js'
import {redactFlags} from '../lib/redact-inputs.js'

/** The verdict and counts of a baseline check; nothing for --policy or --json (the report itself is written as it is read: --format json or --json print it whole). */
export type CheckResult = Pick<CheckReportParts, 'ok' | 'level' | 'snapshots' | 'minSeen' | 'sources' | 'counts'>

export default class Check extends FmCommand {
  static summary = 'Check observed traffic against a baseline: exit 5 on anything unexpected or missing.'

  static description = `Every edge observed in the inputs must be allowed by the baseline (or ignored by it), and every required edge must be seen in at least one snapshot. Otherwise fm check names each violation and exits 5; a malformed baseline exits 3 with its line and column.

Inputs are dumps (one snapshot each), fm capture folders, fm databases or matrix CSVs. Each edge reports "seen in k of N" snapshots; an unexpected edge seen in fewer than --min-seen snapshots is reported as flaky and does not fail the check.

Formats: text (default), junit (one test case per rule and per violation, for any CI), tap, markdown (for a pull-request comment) and json. With --output the chosen format goes to the file (atomically) and the text report to stdout.

With --policy DIR instead of --baseline: every observed connection is evaluated against the firewall rules fm policy wrote in DIR, and those they would drop (or log, in monitor mode) are the violations, with the file and line that decides.`

  static examples = [
    {description: 'Fail the build on a new connection', command: '<%= config.bin %> <%= command.id %> --baseline baseline.yaml dump.json'},
    {description: 'JUnit for the CI test tab, tolerating edges seen once in three snapshots', command: '<%= config.bin %> <%= command.id %> -b baseline.yaml d1.json d2.json d3.json --min-seen 2 --format junit --output fm-check.xml'},
    {description: 'A pull-request comment', command: '<%= config.bin %> <%= command.id %> -b baseline.yaml dump.json --format markdown'},
    {description: 'Which observed connections would the firewall rules fm policy wrote drop? (exit 5 when any)', command: '<%= config.bin %> <%= command.id %> --policy policy site-a'},
  ]

  static enableJsonFlag = true

  static args = {
    inputs: Args.string({description: 'dumps, capture folders, fm databases or matrix CSVs', required: true, ignoreStdin: true}),
  }

  static strict = false

  static flags = {
    baseline: Flags.string({char: 'b', summary: 'The baseline YAML (written by fm baseline, reviewed by people).', exactlyOne: ['baseline', 'policy']}),
    policy: Flags.string({summary: 'Instead of a baseline, the folder fm policy wrote: every observed connection is evaluated against its rules, and those they would drop (or log, in monitor mode) are violations.', helpValue: 'DIR', exactlyOne: ['baseline', 'policy']}),
    format: Flags.string({char: 'f', summary: 'Report format.', options: ['text', 'junit', 'tap', 'markdown', 'json'], default: 'text'}),
    output: Flags.string({char: 'o', summary: 'Write the report to this file (atomically); the text report still goes to stdout.'}),
    'min-seen': Flags.string({summary: 'Unexpected edges seen in fewer snapshots are flaky, not violations: a count (2) or a share (0.5, 50%).', default: '1'}),
    ...matchFlags,
    ...selectFlags,
    ...redactFlags,
  }

  /** Under --json the report is already on stdout: a failed check only sets the exit code, with no second JSON document. */
  protected async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (err instanceof CheckFailedError && this.jsonEnabled()) return this.exit(exitCodeOf(err))
    return super.catch(err)
  }

  async run(): Promise<CheckResult | undefined> {
    const {argv, flags} = await this.parse(Check)
    checkOutputs({inputs: argv as string[], read: {'--baseline': flags.baseline, '--policy': flags.policy, '--key': flags.key, '--groups': flags.groups}, files: {'--output': flags.output}})
    const minSeenSpec = parseMinSeen(flags['min-seen'])
    const redact = {redact: flags.redact, key: flags.key, toolVersion: this.config.version}
    const format = flags.format as CheckFormat
    if (flags.policy) {
      const policy = readPolicyHosts(flags.policy)
      const selection = entrySelection(flags, undefined)
      const progress = this.progress()
      // entries are set aside by server host and evaluated one host's rules at a time; the report is written a piece at a time
      const check = await checkPolicyDir(policy, argv as string[], {states: parseStates(flags.states), select: selection?.select, progress, redact, minSeen: minSeenSpec})
      try {
        noteSelection(selection)
        await writeCheckReport(check.parts, {format, output: flags.output, json: this.jsonEnabled(), baseline: policy.dir})
        const n = check.parts.counts.violations
        if (!check.parts.ok) throw new CheckFailedError(`${n} violation${n === 1 ? '' : 's'} of ${policy.dir}`)
      } finally {
        check.close()
      }
      // under --json the report is on stdout already
      return undefined
    }
    // the baseline's allow and ignore rules wait in a table on disk, the entries in spills: nothing grows with either
    const baseline = loadBaseline(flags.baseline!)
    const spills = {unexpected: new SortedSpill(), rules: new SortedSpill()}
    try {
      // at group level (a group-level baseline) hosts are named by --groups
      const selection = entrySelection(flags, baseline.rules.level)
      const progress = this.progress()
      // entries are checked against the baseline as they stream, and set aside on disk
      const checker = new BaselineChecker(baseline.rules, spills)
      const captures = await readObservation(argv as string[], {states: parseStates(flags.states), select: selection?.select, onProgress: progress, onEntry: (e) => checker.add(e), redact})
      progress.done()
      noteSelection(selection)
      const report = checker.parts(captures, {minSeen: resolveMinSeen(minSeenSpec, captures.length)})
      // under --json the document is printed here (as --format json writes it), passing or not
      await writeCheckReport(report, {format, output: flags.output, json: this.jsonEnabled(), baseline: flags.baseline!})
      if (!report.ok) throw new CheckFailedError(`${report.counts.violations} violation${report.counts.violations === 1 ? '' : 's'} of ${flags.baseline}`)
      if (this.jsonEnabled()) return undefined
      const {ok, level, snapshots, minSeen, sources, counts} = report
      return {ok, level, snapshots, minSeen, sources, counts}
    } finally {
      baseline.close()
      spills.unexpected.close()
      spills.rules.close()
    }
  }
}
