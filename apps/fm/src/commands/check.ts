import {readFileSync} from 'node:fs'
import {Args, Flags} from '@oclif/core'
import {BaselineChecker, formatCheck, parseBaseline, parseMinSeen, resolveMinSeen, type CheckFormat, type CheckReport} from '@fm/baseline'
import {CheckFailedError, InputError} from '@fm/model'
import {FmCommand} from '../lib/base-command.js'
import {exitCodeOf} from '../lib/errors.js'
import {entrySelection, matchFlags, noteSelection, parseStates, selectFlags} from '../lib/flags.js'
import {checkOutputs, writeAtomic} from '../lib/output.js'
import {checkPolicyDir, readPolicyHosts} from '../lib/check-policy-dir.js'
import {writeCheckReport} from '../lib/check-output.js'
import {writeStdout} from '../lib/stdout.js'
import {readObservation} from '../lib/read-observation.js'
import {redactFlags} from '../lib/redact-inputs.js'

/** The report (baseline); nothing for --policy, whose report is streamed to stdout as it is written. */
export type CheckResult = CheckReport | undefined

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

  async run(): Promise<CheckResult> {
    const {argv, flags} = await this.parse(Check)
    checkOutputs([...(argv as string[]), ...(flags.baseline ? [flags.baseline] : [])], {'--output': flags.output})
    const minSeenSpec = parseMinSeen(flags['min-seen'])
    const baseline = flags.baseline ? parseBaseline(readBaseline(flags.baseline), flags.baseline) : null
    const policy = flags.policy ? readPolicyHosts(flags.policy) : null
    // at group level (a group-level baseline) hosts are named by --groups
    const selection = entrySelection(flags, baseline?.level)
    const progress = this.progress()
    const redact = {redact: flags.redact, key: flags.key, toolVersion: this.config.version}
    if (policy) {
      // entries are set aside by server host and evaluated one host's rules at a time; the report is written a piece at a time
      const check = await checkPolicyDir(policy, argv as string[], {states: parseStates(flags.states), select: selection?.select, progress, redact, minSeen: minSeenSpec})
      try {
        noteSelection(selection)
        await writeCheckReport(check.parts, {format: flags.format as CheckFormat, output: flags.output, json: this.jsonEnabled(), baseline: policy.dir})
        const n = check.parts.counts.violations
        if (!check.parts.ok) throw new CheckFailedError(`${n} violation${n === 1 ? '' : 's'} of ${policy.dir}`)
      } finally {
        check.close()
      }
      // under --json the report is on stdout already
      return undefined
    }
    // entries are checked against a baseline as they stream: only the edges are held
    const checker = new BaselineChecker(baseline!)
    const captures = await readObservation(argv as string[], {states: parseStates(flags.states), select: selection?.select, onProgress: progress, onEntry: (e) => checker.add(e), redact})
    progress.done()
    noteSelection(selection)
    const report = checker.report(captures, {minSeen: resolveMinSeen(minSeenSpec, captures.length)})
    const opts = {baseline: flags.policy ?? flags.baseline!}
    if (flags.output) writeAtomic(flags.output, formatCheck(report, flags.format as CheckFormat, opts))
    // under --json oclif prints a passing result; a failing one is printed here, before exit 5
    if (this.jsonEnabled()) {
      if (!report.ok) await writeStdout(formatCheck(report, 'json', opts))
    } else await writeStdout(formatCheck(report, flags.output ? 'text' : (flags.format as CheckFormat), opts))
    if (!report.ok) throw new CheckFailedError(`${report.violations.length} violation${report.violations.length === 1 ? '' : 's'} of ${opts.baseline}`)
    return report
  }
}

function readBaseline(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new InputError(file, code === 'ENOENT' ? 'no such baseline file' : `cannot read (${code})`)
  }
}
