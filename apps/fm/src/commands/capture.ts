import {Flags} from '@oclif/core'
import {capture, parseInterval, progressLine, type CaptureResult} from '@fm/capture'
import {FmCommand} from '../lib/base-command.js'
import {analyzerAddress, analyzerConnection, analyzerFlags, captureQueryFlags, interruptible} from '../lib/flags.js'

export type CaptureCommandResult = CaptureResult

export default class Capture extends FmCommand {
  static summary = 'Save what offline matching needs from a live Skydive analyzer into a capture folder.'

  static description = `Sends a few read-only Gremlin queries to the analyzer (host nodes with their sockets, netns nodes, interface nodes with addresses, ownership edges; --full sends G, the whole graph, instead; --use-flows adds flows and their sockets) and streams each response to disk exactly as received. A manifest records the analyzer URL (never credentials), each query, the time context, start and end times, and each response's size, SHA-256 and record counts; fm analyze verifies them.

The folder is built under a hidden temporary name and renamed when complete, so a failed or interrupted capture leaves nothing that looks complete. The password comes from FM_PASSWORD, --password or a prompt, and is written nowhere.

--every 30s --count 10 takes ten snapshots into one capture: agents poll sockets every few seconds, so short-lived connections show up only across snapshots.`

  static examples = [
    {description: 'Capture the current state', command: '<%= config.bin %> <%= command.id %> --analyzer 10.0.0.1:8082 --out site-a'},
    {description: 'With authentication and https (password from the environment)', command: 'FM_PASSWORD=... <%= config.bin %> <%= command.id %> --analyzer analyzer.example:8082 --ssl --ca ca.pem --username admin --out site-a'},
    {description: 'Ten minutes ago, one minute of history, with flows', command: '<%= config.bin %> <%= command.id %> --analyzer 10.0.0.1:8082 --at -10m --duration 60 --use-flows --out site-a'},
    {description: 'Ten snapshots, 30 s apart, then analyze them', command: '<%= config.bin %> <%= command.id %> --analyzer 10.0.0.1:8082 --every 30s --count 10 --out site-a && <%= config.bin %> analyze site-a'},
  ]

  static enableJsonFlag = true

  static flags = {
    ...analyzerFlags,
    analyzer: Flags.string({...analyzerAddress, required: true}),
    out: Flags.string({char: 'o', summary: 'The capture folder to create (it must not exist).', required: true, helpValue: 'PATH'}),
    ...captureQueryFlags,
    full: Flags.boolean({summary: 'Capture the whole graph (G) instead of only what matching reads.'}),
    every: Flags.string({summary: 'Interval between snapshots, e.g. 30s or 2m (with --count).', helpValue: 'INTERVAL'}),
    count: Flags.integer({summary: 'Number of snapshots to take.', default: 1, min: 1}),
  }

  async run(): Promise<CaptureCommandResult> {
    const {flags} = await this.parse(Capture)
    const connection = await analyzerConnection(flags)
    const progress = this.progress()
    const interrupt = interruptible()
    try {
      const result = await capture({
        ...connection,
        out: flags.out,
        at: flags.at,
        duration: flags.duration,
        useFlows: flags['use-flows'],
        full: flags.full,
        everySeconds: flags.every === undefined ? undefined : parseInterval(flags.every),
        count: flags.count,
        toolVersion: this.config.version,
        signal: interrupt.signal,
        onProgress: (p) => progress(progressLine(p)),
      })
      progress.done()
      const c = result.counts
      const bytes = result.snapshots.flatMap((s) => s.responses).reduce((n, r) => n + r.bytes, 0)
      this.log(`${result.path}: ${result.snapshots.length} snapshot(s) from ${result.analyzer}, ${(bytes / 1e6).toFixed(1)} MB; ${c.hosts} hosts, ${c.sockets} sockets, ${c.interfaces} interfaces, ${c.netns} netns, ${c.ownership} ownership edges${result.options.useFlows ? `, ${c.flows} flows` : ''}`)
      return result
    } finally {
      progress.done()
      interrupt.dispose()
    }
  }
}
