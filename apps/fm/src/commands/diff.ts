import {Args, Flags} from '@oclif/core'
import {diffEdges, EdgeGrouper, formatDiff, type DiffFormat, type DiffReport, type DiffSide, type Level} from '@fm/baseline'
import {CheckFailedError} from '@fm/model'
import {SortedSpill} from '@fm/store'
import {FmCommand} from '../lib/base-command.js'
import {exitCodeOf} from '../lib/errors.js'
import {entrySelection, matchFlags, noteSelection, parseStates, selectFlags} from '../lib/flags.js'
import {checkOutputs} from '../lib/check-outputs.js'
import {writeAtomic} from '../lib/output.js'
import {writeStdout} from '../lib/stdout.js'
import {readObservation} from '../lib/read-observation.js'
import {redactFlags} from '../lib/redact-inputs.js'

export type DiffResult = DiffReport

export default class Diff extends FmCommand {
  static summary = 'Show which edges (who talks to whom) are new, gone or changed between two observations.'

  static description = `A and B are each a dump, an fm capture folder, an fm database or a matrix CSV (the original tool's or fm's wide-csv, recognised by its header).

By default an edge is client service → server service over a protocol, where a service is a process name, whatever host it runs on; --level host keeps the hosts. Server ports, executable paths, addresses (host level) and connection counts are compared as attributes, so a moved port is a change rather than a new edge plus a gone one. Client ports are ephemeral and never compared.

Exits 0 unless --exit-code is given, which exits 5 when A and B differ (like git diff --exit-code).`

  static examples = [
    {description: 'What changed since last week', command: '<%= config.bin %> <%= command.id %> last-week.json today.json'},
    {description: 'Host by host, as Markdown for a ticket', command: '<%= config.bin %> <%= command.id %> a.json b.json --level host --format markdown'},
    {description: 'Fail a script when anything changed', command: '<%= config.bin %> <%= command.id %> expected.csv today.json --exit-code'},
  ]

  static enableJsonFlag = true

  static args = {
    a: Args.string({description: 'the earlier observation: dump, capture folder, fm database or matrix CSV', required: true, ignoreStdin: true}),
    b: Args.string({description: 'the later observation', required: true, ignoreStdin: true}),
  }

  static flags = {
    level: Flags.string({summary: 'Compare services (host-independent) or processes per host.', options: ['service', 'host', 'group'], default: 'service', description: 'group: hosts are the groups of --groups FILE.'}),
    format: Flags.string({char: 'f', summary: 'Output format.', options: ['table', 'markdown', 'json'], default: 'table'}),
    output: Flags.string({char: 'o', summary: 'Write the output to this file (atomically) instead of stdout.'}),
    'exit-code': Flags.boolean({summary: 'Exit 5 when the two observations differ.'}),
    ...matchFlags,
    ...selectFlags,
    ...redactFlags,
  }

  /** Under --json the report is already on stdout: a failed check only sets the exit code, with no second JSON document. */
  protected async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (err instanceof CheckFailedError && this.jsonEnabled()) return this.exit(exitCodeOf(err))
    return super.catch(err)
  }

  async run(): Promise<DiffResult> {
    const {args, flags} = await this.parse(Diff)
    checkOutputs({inputs: [args.a, args.b], read: {'--key': flags.key, '--groups': flags.groups}, files: {'--output': flags.output}})
    const selection = entrySelection(flags, flags.level)
    const progress = this.progress()
    // each side's entries go to a spill on disk as they stream; the two sides' edges are then
    // folded back and compared one at a time, in order: only the differences are held (read
    // again whole, with the lists that are not compared)
    const spills: SortedSpill[] = []
    const read = async (file: string): Promise<DiffSide> => {
      const spill = new SortedSpill()
      spills.push(spill)
      const g = new EdgeGrouper({level: flags.level as Level, byPort: false}, spill)
      const captures = await readObservation([file], {states: parseStates(flags.states), select: selection?.select, onProgress: progress, onEntry: (e) => g.add(e), redact: {redact: flags.redact, key: flags.key, toolVersion: this.config.version}})
      return {captures, edges: (fold) => g.edgeStream(fold)}
    }
    let report: DiffReport
    try {
      report = diffEdges(await read(args.a), await read(args.b), {level: flags.level as Level})
    } finally {
      for (const s of spills) s.close()
    }
    progress.done()
    noteSelection(selection)
    const failed = flags['exit-code'] && report.different
    if (flags.output) writeAtomic(flags.output, formatDiff(report, flags.format as DiffFormat))
    // under --json oclif prints the result, unless --exit-code fails first: then it is printed here
    if (this.jsonEnabled()) {
      if (failed) await writeStdout(formatDiff(report, 'json'))
    } else if (!flags.output) await writeStdout(formatDiff(report, flags.format as DiffFormat))
    if (failed) {
      throw new CheckFailedError(`${report.added.length} new, ${report.removed.length} gone, ${report.changed.length} changed edges`)
    }
    return report
  }
}
