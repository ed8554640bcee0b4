import {resolve} from 'node:path'
import {Args, Flags} from '@oclif/core'
import {analyze} from '@fm/analyze'
import {UsageError} from '@fm/model'
import {buildReport, reportAggregator, type ReportData, type ReportFormat} from '@fm/report'
import {FmCommand} from '../lib/base-command.js'
import {readingLine} from '../lib/progress.js'
import {entrySelection, matchFlags, noteSelection, parseStates, selectFlags, withInterrupt} from '../lib/flags.js'
import {checkOutputs} from '../lib/check-outputs.js'
import {writeAtomic} from '../lib/output.js'
import {redactFlags, withRedactedInputs} from '../lib/redact-inputs.js'
import {reportTarget} from '../lib/report-target.js'
import {refuseMatrixCsv} from '../lib/read-observation.js'

export interface ReportResult {
  out: string
  format: ReportFormat
  bytes: number
  hosts: number
  entries: number
}

export default class Report extends FmCommand {
  static summary = 'Write a static, self-contained HTML report (or the matrix SVG, the dot source, or the graph picture).'

  static description = `Analyzes the inputs like fm analyze, then writes one file that opens offline in any browser: summary, a clients × servers heatmap, a chord diagram of services, the host-clustered graph laid out by Graphviz (compiled to wasm), sortable tables of connections and unmatched sockets, and coverage. It loads nothing from any network and reads fine with JavaScript off.

Large deployments are aggregated so the page stays readable and small: processes within hosts when they fit, else hosts, else services with the quietest folded into "other".

With --groups FILE the heatmap, chord and graph are between groups of hosts and their services (the rules of fm analyze --by group): a host no rule names stays itself while the views fit, and past that the hosts in no group are drawn together; the page says how many hosts are in groups and how many alone. The host index and the tables stay per host.

--format svg writes the matrix alone, dot the graph's dot source, render the graph picture laid out with --engine (SVG, or PNG when --out ends in .png); none needs a display.`

  static examples = [
    {description: 'The HTML report of the bundled dump', command: '<%= config.bin %> <%= command.id %> fixtures/skydive/two-agents.json --out report.html'},
    {description: 'With no --out: two-agents.report.html in the current folder', command: '<%= config.bin %> <%= command.id %> fixtures/skydive/two-agents.json'},
    {description: 'Rows and columns by service rather than by host', command: '<%= config.bin %> <%= command.id %> dump.json --out report.html --group-by service --title "prod, Monday"'},
    {description: 'The heatmap, chord and graph between groups of hosts and their services (see README "Groups")', command: '<%= config.bin %> <%= command.id %> dump.json --groups fixtures/groups/cloud.yaml --out report.html'},
    {description: 'The graph picture alone, circular layout (no host clusters: each node names its host), as PNG', command: '<%= config.bin %> <%= command.id %> dump.json --format render --engine circo --out graph.png'},
    {description: 'From a database kept by fm analyze --db', command: '<%= config.bin %> <%= command.id %> flows.db --out report.html'},
    {description: 'Redacted on the fly (see fm redact), to share outside the site', command: '<%= config.bin %> <%= command.id %> dump.json --redact --key site-a.key --out report.html'},
  ]

  static enableJsonFlag = true

  static args = {
    inputs: Args.string({description: 'dump files (gzip or not; - for standard input), capture folders, or an fm database', required: true, ignoreStdin: true}),
  }

  static strict = false

  static flags = {
    out: Flags.string({char: 'o', summary: 'File to write (written atomically). Default: NAME.report.html (or .svg, .dot) in the current folder, NAME from the first input.', description: 'Its extension must fit --format: .html for html, .svg for svg or render, .png for render, .dot for dot.'}),
    title: Flags.string({summary: 'Title of the report.'}),
    'group-by': Flags.string({summary: 'Rows and columns of the matrix: processes grouped by host, or services.', options: ['host', 'service'], default: 'host'}),
    format: Flags.string({char: 'f', summary: 'html: the report; svg: the matrix alone; dot: the graph source; render: the graph picture.', options: ['html', 'svg', 'dot', 'render'], default: 'html'}),
    engine: Flags.string({summary: 'Graphviz layout engine for the graph.', description: 'Only dot draws clusters of hosts (or groups): circo ignores them and neato draws their boxes over each other, so with those each node names its host (or group) on a second line instead, and fm says so on the page or on stderr.', options: ['dot', 'circo', 'neato'], default: 'dot'}),
    'use-flows': Flags.boolean({summary: 'Use the flows of the inputs: more connections, and bytes/packets per edge.'}),
    'color-by': Flags.string({summary: 'What the matrix colour shows; bytes needs flows (--use-flows).', options: ['connections', 'bytes'], default: 'connections'}),
    ...matchFlags,
    ...selectFlags,
    ...redactFlags,
  }

  async run(): Promise<ReportResult> {
    const {argv, flags} = await this.parse(Report)
    const format = flags.format as ReportFormat
    refuseMatrixCsv(argv as string[], 'report')
    const target = reportTarget(flags.out, format, argv as string[])
    checkOutputs({inputs: argv as string[], read: {'--key': flags.key, '--groups': flags.groups}, files: {'--out': target.out}})
    const selection = entrySelection(flags)
    const png = target.picture === 'png'
    const progress = this.progress()
    // The matrix, the unmatched sockets and the ambiguities stream into the report's aggregate,
    // which keeps only what the page draws; no list is ever built. The aggregator lives in this
    // function only, so its working state (per host its processes, the index's candidate hosts:
    // ~40 MB at 135,000 hosts) is let go before the page is built.
    const aggregate = async (): Promise<ReportData> => {
      // with --groups, the heatmap, chord and graph are at group × service level
      const agg = reportAggregator({}, {groups: selection?.names})
      // Ctrl-C stops the analysis at its next step and removes its temporary database (exit 130)
      await withInterrupt((signal) => withRedactedInputs(argv as string[], flags, {toolVersion: this.config.version, signal, onProgress: progress}, (inputs) => analyze({
        inputs,
        signal,
        states: parseStates(flags.states),
        select: selection?.select,
        evidenceLimit: 0,
        lists: false,
        onHead: agg.onHead,
        onEntry: agg.onEntry,
        onUnmatched: agg.onUnmatched,
        onAmbiguity: agg.onAmbiguity,
        useFlows: flags['use-flows'],
        onProgress: (p) => {
          if (p.phase === 'read') progress(readingLine({...p, records: undefined}))
          else if (p.phase === 'match') progress(`matching capture ${p.capture} of ${p.captures}`)
        },
      })))
      return agg.result()
    }
    const report = await aggregate()
    noteSelection(selection)
    const notes: string[] = []
    const data = await buildReport(report, format, {
      title: flags.title,
      groupBy: flags['group-by'] as 'host' | 'service',
      engine: flags.engine as 'dot' | 'circo' | 'neato',
      metric: flags['color-by'] as 'connections' | 'bytes',
      picture: png ? 'png' : 'svg',
      generatedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      onProgress: progress,
      onNote: (line) => notes.push(line),
    })
    progress.done()
    for (const n of notes) process.stderr.write(`note: ${n}\n`)
    writeAtomic(target.out, data)
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength
    this.log(`wrote ${target.defaulted ? resolve(target.out) : target.out} (${format}${png ? ', png' : ''}, ${(bytes / 1024).toFixed(1)} KiB)${target.defaulted ? ': no --out given, so named after the input in the current folder' : ''}`)
    return {out: target.out, format, bytes, hosts: report.head.stats.hosts, entries: report.entries}
  }
}
