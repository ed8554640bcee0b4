import {Args, Flags} from '@oclif/core'
import {analyze} from '@fm/analyze'
import {UsageError, type MatrixEntry} from '@fm/model'
import {publish, type PublishProgress, type PublishResult} from '@fm/publish'
import {FmCommand} from '../lib/base-command.js'
import {analyzerAddress, analyzerConnection, analyzerFlags, matchFlags, parseStates, entrySelection, noteSelection, selectFlags} from '../lib/flags.js'

export type PublishCommandResult = PublishResult

export default class Publish extends FmCommand {
  static summary = 'Publish the service matrix into a Skydive analyzer, or remove what fm published.'

  static description = `Analyzes the inputs (as fm analyze does) and sends the matrix into the analyzer's graph through its websocket publisher (/ws/publisher, JSON, persistent): one node per service (host + process, Type fm-service), one edge per matrix row from the client's service to the server's (RelationType fm-connection, with protocol, addresses, port, connection count and, with --use-flows, bytes and packets).

IDs are name-based UUIDs of the scope and the row, so publishing again updates in place and never duplicates: fm first reads what it published in the scope (Metadata.Manager = fm, FMScope), sends only the differences (rows gone from the matrix are deleted), then reads back to check the analyzer holds exactly the matrix. --delete removes everything fm published in the scope.

Exit codes: 3 when the analyzer cannot be reached or refuses the login or the websocket, 4 when the connection dropped part-way (publish again to finish).`

  static examples = [
    {description: 'Publish the matrix of a capture (the original tool\'s --format skydive)', command: 'FM_PASSWORD=... <%= config.bin %> <%= command.id %> capture-dir --analyzer 10.0.0.1:8082 --username admin'},
    {description: 'Several matrices side by side', command: '<%= config.bin %> <%= command.id %> site-a.json --analyzer 127.0.0.1:8082 --scope site-a'},
    {description: 'Remove what fm published', command: '<%= config.bin %> <%= command.id %> --analyzer 127.0.0.1:8082 --delete'},
  ]

  static enableJsonFlag = true

  static args = {
    inputs: Args.string({description: 'dump files, capture folders, or an fm database (none with --delete)', required: false, ignoreStdin: true}),
  }

  static strict = false

  static flags = {
    ...analyzerFlags,
    analyzer: Flags.string({...analyzerAddress, required: true}),
    scope: Flags.string({summary: 'Name of the published matrix, so several can live in one analyzer.', default: 'default'}),
    'host-id': Flags.string({summary: 'X-Host-ID the publisher announces (the elements\' Host; Origin is fm.<host-id>).', default: 'fm'}),
    delete: Flags.boolean({summary: 'Remove every node and edge fm published in the scope instead.'}),
    'use-flows': Flags.boolean({summary: 'Use the flows of the inputs: edges gain bytes and packets.'}),
    ...matchFlags,
    ...selectFlags,
  }

  async run(): Promise<PublishCommandResult> {
    const {argv, flags} = await this.parse(Publish)
    const selection = entrySelection(flags)
    const inputs = argv as string[]
    if (flags.delete && inputs.length > 0) throw new UsageError('--delete removes what fm published in the scope: give no inputs')
    if (!flags.delete && inputs.length === 0) throw new UsageError('nothing to publish', ['Give dump files or capture folders, or --delete to remove what fm published.'])
    const connection = await analyzerConnection(flags)
    const progress = this.progress()
    try {
      // the entries stream from the analysis into publish's spill: none is held, at any size
      const entries = flags.delete ? undefined : (onEntry: (e: MatrixEntry) => void) => analyze({inputs, states: parseStates(flags.states), select: selection?.select, evidenceLimit: 0, lists: false, useFlows: flags['use-flows'], onEntry})
      const result = await publish({...connection, entries, delete: flags.delete, scope: flags.scope, hostId: flags['host-id'], onProgress: (p) => progress(progressText(p))})
      progress.done()
      noteSelection(selection)
      const n = result.nodes
      const e = result.edges
      this.log(`${result.analyzer} (scope ${result.scope}): nodes +${n.added} ~${n.updated} -${n.deleted} (${n.unchanged} unchanged), edges +${e.added} ~${e.updated} -${e.deleted} (${e.unchanged} unchanged)`)
      return result
    } finally {
      progress.done()
    }
  }
}

function progressText(p: PublishProgress): string {
  switch (p.phase) {
    case 'connect':
      return `connecting to ${p.analyzer}`
    case 'read':
      return `reading what fm published at ${p.analyzer}`
    case 'send':
      return `publishing: ${p.sent} of ${p.total} messages`
    case 'verify':
      return `checking what the analyzer holds (${p.attempt})`
  }
}
