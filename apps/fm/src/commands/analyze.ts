import {Args, Flags} from '@oclif/core'
import {analyze} from '@fm/analyze'
import {shellCommand, type CaptureProgress, type ConnectionOptions} from '@fm/capture'
import {UsageError, type Matrix, type MatrixEntry} from '@fm/model'
import {GroupMatrix} from '@fm/baseline'
import {FmCommand} from '../lib/base-command.js'
import {analyzerConnection, analyzerFlags, captureQueryFlags, entrySelection, interruptible, matchFlags, noteSelection, parseStates, selectFlags} from '../lib/flags.js'
import {groupRowsOutput} from '../lib/group-output.js'
import {readingLine} from '../lib/progress.js'
import {redactFlags, withRedactedInputs} from '../lib/redact-inputs.js'
import {analysisNeeds} from '../lib/analysis-needs.js'
import {refuseMatrixCsv} from '../lib/read-observation.js'
import {matrixStream} from '../lib/matrix-stream.js'
import {checkOutputs} from '../lib/check-outputs.js'
import {ChunkedOutput, writeAtomic} from '../lib/output.js'
import {writeStdout} from '../lib/stdout.js'

/** The matrix; nothing under --json, whose document is streamed to stdout as --format json writes it. */
export type AnalyzeResult = Matrix | undefined

export default class Analyze extends FmCommand {
  static summary = 'Match the sockets of Skydive dumps into a service-to-service flow matrix.'

  static description = `Reads Skydive dumps by their content (a G response as array or object, node arrays, Sockets() maps, flow arrays, fm capture folders, or an fm database), streams them into SQLite and pairs every client socket with the server socket whose tuple is its mirror image. Several dumps are merged, one capture each.

Output goes to stdout (or --output FILE, written atomically). Every format is written as the store hands the matrix over, so memory stays flat on any size of deployment: the table's column widths and the dot graph's clusters and summed edges are gathered in a scratch SQLite file that deletes itself. --json prints the document --format json writes: entries, counts by method, unmatched sockets by reason and ambiguities.

Dumps of 4 MB and more are parsed on a second thread while SQLite loads. Ctrl-C stops the analysis at its next step and removes what it was writing (exit 130).`

  static examples = [
    {description: 'The matrix as CSV (the original tool\'s columns)', command: '<%= config.bin %> <%= command.id %> fixtures/skydive/two-agents.json'},
    {description: 'A terminal table', command: '<%= config.bin %> <%= command.id %> dump.json --format table'},
    {description: 'Keep the database for ad-hoc SQL', command: '<%= config.bin %> <%= command.id %> dump.json --db flows.db'},
    {description: 'Client sockets with no server found, and why', command: '<%= config.bin %> <%= command.id %> dump.json --list-no-peers'},
    {description: 'Clients whose server could be on several hosts, the one chosen and why', command: '<%= config.bin %> <%= command.id %> dump.json --list-ambiguities'},
    {description: 'Count every non-listening socket (as the original did with --at)', command: '<%= config.bin %> <%= command.id %> dump.json --states any'},
    {description: 'Use the flows saved with the graph: more connections, and bytes/packets each way', command: '<%= config.bin %> <%= command.id %> dump.json flows.json --use-flows --format wide-csv'},
    {description: 'What compute-17 talks to, either way', command: '<%= config.bin %> <%= command.id %> dump.json --host compute-17 --format table'},
    {description: 'Who talks to mysql over TCP', command: '<%= config.bin %> <%= command.id %> dump.json --server mysqld --protocol TCP'},
    {description: 'The matrix between groups of hosts and services', command: '<%= config.bin %> <%= command.id %> dump.json --groups groups.yaml --by group'},
    {description: 'The same as a Graphviz graph: a cluster per group, a node per service of a group', command: '<%= config.bin %> <%= command.id %> dump.json --groups groups.yaml --by group --format dot | dot -Tsvg > groups.svg'},
    {description: 'One step, like the original tool: capture from a live analyzer into a temporary folder and analyze it', command: 'FM_PASSWORD=... <%= config.bin %> <%= command.id %> --analyzer 10.0.0.1:8082 --username admin --at -10m --duration 60'},
  ]

  static enableJsonFlag = true

  static args = {
    dumps: Args.string({description: 'dump files (gzip or not; - for standard input), capture folders, or an fm database (none with --analyzer)', required: false, ignoreStdin: true}),
  }

  static strict = false

  static flags = {
    format: Flags.string({char: 'f', summary: 'Output format.', options: ['csv', 'json', 'dot', 'table', 'wide-csv', 'skydive'], default: 'csv', description: 'skydive (the original\'s): publish the matrix back into --analyzer, as fm publish does. Not with --json, which prints the whole result as JSON.', exclusive: ['json']}),
    output: Flags.string({char: 'o', summary: 'Write the output to this file instead of stdout.'}),
    db: Flags.string({summary: 'Keep the SQLite database at this path (see README for its tables).'}),
    'list-no-peers': Flags.boolean({
      summary: 'Print the client sockets that found no server, with the reason, instead of the matrix.',
      description: 'As CSV, or JSON with --format json (--json prints them within the whole result).',
      exclusive: ['json'],
      // the list is CSV or JSON: any other --format would be silently ignored
      relationships: [{type: 'none', flags: [{name: 'format', when: async (f) => !['csv', 'json'].includes(f.format as string)}]}],
    }),
    'list-ambiguities': Flags.boolean({
      summary: 'Print the client sockets whose server could be on more than one host, the one chosen and why, instead of the matrix.',
      description: 'As CSV, or JSON with --format json (--json prints them within the whole result).',
      exclusive: ['json', 'list-no-peers'],
      // the list is CSV or JSON: any other --format would be silently ignored
      relationships: [{type: 'none', flags: [{name: 'format', when: async (f) => !['csv', 'json'].includes(f.format as string)}]}],
    }),
    ...matchFlags,
    ...selectFlags,
    by: Flags.string({summary: 'Level of the rows: host (each matrix entry) or group (summed between the groups and services of --groups; csv, json, table or dot).', options: ['host', 'group'], default: 'host'}),
    ...analyzerFlags,
    ...captureQueryFlags,
    ...redactFlags,
    'use-flows': Flags.boolean({summary: 'Use flows (a flow dump, or those of a capture): they join sockets, reveal connections sockets miss, and give bytes/packets. With --analyzer, capture them too.'}),
  }

  async run(): Promise<AnalyzeResult> {
    const {argv, flags} = await this.parse(Analyze)
    const progress = this.progress()
    const dumps = argv as string[]
    if (!flags.analyzer && dumps.length === 0) throw new UsageError('nothing to analyze', ['Give dump files or capture folders, or --analyzer HOST:PORT to capture and analyze in one step.', 'To read standard input, give -: gzip -dc dump.json.gz | fm analyze -'])
    refuseMatrixCsv(dumps, 'analyze')
    checkOutputs({inputs: dumps, read: {'--key': flags.key, '--groups': flags.groups, '--ca': flags.ca}, files: {'--output': flags.output, '--db': flags.db}})
    if (flags.analyzer && dumps.length > 0) throw new UsageError('give dumps or --analyzer, not both: fm analyze reads one or the other', [`To add a live capture to dumps: ${shellCommand(['fm', 'capture', '--analyzer', flags.analyzer, '--out', 'site'])} && ${shellCommand(['fm', 'analyze', 'site', ...dumps])}`])
    // Every output (and --list-no-peers, --list-ambiguities) is written piece by piece as the store hands the matrix
    // over, so memory does not grow with the matrix; the output file appears only on success.
    const needs = analysisNeeds({format: flags.format, json: this.jsonEnabled(), listNoPeers: flags['list-no-peers'], listAmbiguities: flags['list-ambiguities']})
    const selection = entrySelection(flags)
    // --by group sums the entries into rows between groups as they stream: only the rows are held
    const byGroup = flags.by === 'group' ? new GroupMatrix(selection?.names ?? null) : undefined
    if (selection && (flags['list-no-peers'] || flags['list-ambiguities'])) throw new UsageError('selection flags and --groups pick matrix entries: --list-no-peers and --list-ambiguities list sockets, whole')
    if (byGroup && (flags['list-no-peers'] || flags['list-ambiguities'] || !['csv', 'json', 'table', 'dot'].includes(flags.format) || this.jsonEnabled())) throw new UsageError('--by group prints csv, json, table or dot', ['fm analyze DUMP --groups groups.yaml --by group --format table'])
    let out: ChunkedOutput | undefined
    const output = (): ChunkedOutput => (out ??= new ChunkedOutput(flags.output))
    // Ctrl-C or a kill stops the analysis at its next step, or the output's last pass: the temporary
    // database, --db and --output are removed before exiting with 130 (a second Ctrl-C quits at once)
    const interrupt = interruptible()
    // a slow reader of stdout holds the writer (ready): what it has not read yet is never queued whole
    const ready = (): Promise<void> | undefined => out?.ready(interrupt.signal)
    const stream = needs.stream && !byGroup ? matrixStream(needs.stream, (text) => output().write(text), ready) : undefined
    const run = (inputs: string[], onEntry?: (e: MatrixEntry) => void): Promise<Matrix> => analyze({
      inputs,
      signal: interrupt.signal,
      ...stream?.callbacks,
      ready,
      db: flags.db,
      states: parseStates(flags.states),
      useFlows: flags['use-flows'],
      evidenceLimit: needs.evidenceLimit,
      lists: needs.lists,
      select: selection?.select,
      ...(byGroup ? {onEntry: (e) => byGroup.add(e), evidenceLimit: 0, lists: false} : {}),
      ...(onEntry ? {onEntry} : {}),
      onProgress: (p) => {
        if (p.phase === 'read') progress(readingLine(p))
        else if (p.phase === 'match') progress(`matching capture ${p.capture} of ${p.captures}`)
      },
    })
    const redacting = {toolVersion: this.config.version, signal: interrupt.signal, onProgress: progress}
    if (flags.format === 'skydive' && !flags.analyzer) throw new UsageError('--format skydive publishes into the analyzer it reads: add --analyzer HOST:PORT', ['To publish dumps or captures: fm publish INPUT... --analyzer HOST:PORT'])
    let matrix: Matrix
    try {
      if (flags.analyzer) {
        const connection: ConnectionOptions = await analyzerConnection({...flags, analyzer: flags.analyzer})
        // capture and publish load only when an analyzer is involved: most runs read files
        const {progressLine, withTemporaryCapture} = await import('@fm/capture')
        const captureOpts = {...connection, at: flags.at, duration: flags.duration, useFlows: flags['use-flows'], toolVersion: this.config.version, signal: interrupt.signal, onProgress: (p: CaptureProgress) => progress(progressLine(p))}
        const captured = (f: (inputs: string[]) => Promise<Matrix>): Promise<Matrix> => withTemporaryCapture(captureOpts, (c) => withRedactedInputs([...dumps, c.path], flags, redacting, f))
        if (flags.format === 'skydive') {
          // the entries stream from the analysis into publish's spill on disk, as fm publish does: none is held
          const {publish} = await import('@fm/publish')
          let analyzed: Matrix | undefined
          const p = await publish({
            ...connection,
            entries: async (onEntry) => {
              analyzed = await captured((inputs) => run(inputs, onEntry))
              // publishing takes no signal: Ctrl-C ends it as it did before (the analysis and its files are done)
              interrupt.dispose()
            },
          })
          progress.done()
          noteSelection(selection)
          this.log(`published into ${p.analyzer}: ${p.nodes.added + p.nodes.updated + p.nodes.unchanged} service nodes, ${p.edges.added + p.edges.updated + p.edges.unchanged} connection edges (${p.messages} changes)`)
          return analyzed
        }
        matrix = await captured(run)
      } else matrix = await withRedactedInputs(dumps, flags, redacting, run)
    } catch (e) {
      stream?.abort()
      out?.abort()
      interrupt.dispose()
      throw e
    }
    progress.done()
    noteSelection(selection)
    // the interrupt stays on through the output's last pass and commit: Ctrl-C there still exits 130 and removes --output
    try {
      if (byGroup) {
        output().write(groupRowsOutput(byGroup.sorted(), flags.format, selection?.summary() ?? null))
        await output().commit(interrupt.signal)
        return matrix
      }
      if (stream) {
        await stream.end(interrupt.signal)
        await output().commit(interrupt.signal)
        // under --json the document is on stdout already: nothing for oclif to print
        return this.jsonEnabled() ? undefined : matrix
      }
    } catch (e) {
      stream?.abort()
      out?.abort()
      throw e
    } finally {
      interrupt.dispose()
    }
    throw new Error(`format ${flags.format} is streamed, not rendered whole`)
  }
}
