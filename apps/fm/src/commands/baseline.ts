import {existsSync, readFileSync} from 'node:fs'
import {Args, Flags} from '@oclif/core'
import {BaselineWriter, parseMinSeen, resolveMinSeen, type Level, type WriteBaselineResult} from '@fm/baseline'
import {SortedSpill} from '@fm/store'
import {blankFile, fileLines} from '../lib/baseline-file.js'
import {FmCommand} from '../lib/base-command.js'
import {entrySelection, matchFlags, noteSelection, parseStates, selectFlags} from '../lib/flags.js'
import {checkOutputs} from '../lib/check-outputs.js'
import {ChunkedOutput} from '../lib/output.js'
import {readObservation} from '../lib/read-observation.js'
import {redactFlags} from '../lib/redact-inputs.js'
import {RuleTable} from '../lib/rule-table.js'

export type BaselineResult = Omit<WriteBaselineResult, 'text'> & {file: string | null; snapshots: number; minSeen: number}

export default class Baseline extends FmCommand {
  static summary = 'Write a reviewable YAML baseline of who may talk to whom, from observed traffic.'

  static description = `Every edge observed in the inputs (client service → server service, protocol, server port) becomes an allow rule naming exactly the observed values (glob characters in names are escaped: a process named * allows only itself). Inputs are dumps (one snapshot each), fm capture folders, fm databases or matrix CSVs; with several snapshots, --min-seen leaves out edges seen too rarely.

When --out names an existing baseline, it is regenerated in place: its comments, its require and ignore rules, and every allow rule are kept, and rules are appended only for edges nothing allows yet. --prune also drops plain generated allow rules (no comment, no wildcard) that matched nothing.

Commit the file, review its diffs like code, and run fm check against it in CI.`

  static examples = [
    {description: 'A service-level baseline from three snapshots', command: '<%= config.bin %> <%= command.id %> d1.json d2.json d3.json --out baseline.yaml'},
    {description: 'Only edges seen in at least two of three snapshots', command: '<%= config.bin %> <%= command.id %> d1.json d2.json d3.json --min-seen 2 --out baseline.yaml'},
    {description: 'Per host', command: '<%= config.bin %> <%= command.id %> dump.json --level host --out hosts.yaml'},
  ]

  static enableJsonFlag = true

  static args = {
    inputs: Args.string({description: 'dumps, capture folders, fm databases or matrix CSVs', required: true, ignoreStdin: true}),
  }

  static strict = false

  static flags = {
    out: Flags.string({char: 'o', summary: 'The baseline file: regenerated in place if it exists. Without it the YAML goes to stdout.'}),
    level: Flags.string({summary: 'Rules per service (host-independent, the default for a new file) or per host.', options: ['service', 'host', 'group'], description: 'group: rules name the groups of --groups FILE where host rules name hosts.'}),
    'min-seen': Flags.string({summary: 'Leave out edges seen in fewer snapshots than this: a count (2) or a share (0.5, 50%).', default: '1'}),
    prune: Flags.boolean({summary: 'Drop generated allow rules (no comment, no wildcard) that match nothing observed.'}),
    ...matchFlags,
    ...selectFlags,
    ...redactFlags,
  }

  async run(): Promise<BaselineResult> {
    const {argv, flags} = await this.parse(Baseline)
    // --out is regenerated in place: the one file it may be is the baseline it was
    checkOutputs({inputs: argv as string[], read: {'--key': flags.key, '--groups': flags.groups}, files: {'--out': flags.out}})
    const minSeenSpec = parseMinSeen(flags['min-seen'])
    const progress = this.progress()
    // an empty file (say, created by `touch`) is a new baseline, not a malformed one; an existing
    // one is read a line at a time (its rules into a table on disk), whole only if not in fm's form
    const out = flags.out
    const existing = out && existsSync(out) && !blankFile(out) ? {file: out, lines: fileLines(out), text: () => readFileSync(out, 'utf8')} : undefined
    // entries are folded into edges as they stream; those no rule allows yet (every edge of a new
    // baseline) wait in a spill on disk, and their rules are written one at a time
    const spill = new SortedSpill()
    const ruleSpill = new SortedSpill()
    const rules = new RuleTable()
    try {
      const writer = new BaselineWriter({level: flags.level as Level | undefined, existing, prune: flags.prune, spill, ruleSpill, rules})
      // the level of the rules (an existing baseline's) decides how hosts are named (group: by --groups)
      const selection = entrySelection(flags, writer.level)
      const captures = await readObservation(argv as string[], {states: parseStates(flags.states), select: selection?.select, onProgress: progress, onEntry: (e) => writer.add(e), redact: {redact: flags.redact, key: flags.key, toolVersion: this.config.version}})
      progress.done()
      noteSelection(selection)
      const minSeen = resolveMinSeen(minSeenSpec, captures.length)
      // the text goes out as it is made: to a temporary file renamed at the end, or to stdout (not under --json)
      const output = flags.out || !this.jsonEnabled() ? new ChunkedOutput(flags.out) : null
      let result: Omit<WriteBaselineResult, 'text'>
      try {
        result = writer.finishTo((t) => output?.write(t), captures, minSeen)
        await output?.commit()
      } catch (e) {
        output?.abort()
        throw e
      }
      if (flags.out) this.log(`${flags.out}: ${result.added} allow rules added, ${result.kept} kept, ${result.removed} removed (${result.level} level, ${captures.length} snapshots)`)
      return {file: flags.out ?? null, snapshots: captures.length, minSeen, ...result}
    } finally {
      spill.close()
      ruleSpill.close()
      rules.close()
    }
  }
}
