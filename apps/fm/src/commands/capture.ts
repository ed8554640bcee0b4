import {Flags} from '@oclif/core'
import {capture, parseInterval, progressLine, type CaptureResult} from '@fm/capture'
import {collect, collectorScript, collectProgressLine, DEFAULT_SSH_COMMAND, PartialCaptureError, readHostList, type CollectResult} from '@fm/collect'
import {FmCommand} from '../lib/base-command.js'
import {checkOutputs} from '../lib/check-outputs.js'
import {analyzerAddress, analyzerConnection, analyzerFlags, captureQueryFlags, interruptible} from '../lib/flags.js'

export type CaptureCommandResult = CaptureResult | CollectResult | {collector: string}

export default class Capture extends FmCommand {
  static summary = 'Save what offline matching needs from a live Skydive analyzer, or from plain Linux hosts (--ssh, --local), into a capture folder.'

  static description = `Sends a few read-only Gremlin queries to the analyzer (host nodes with their sockets, netns nodes, interface nodes with addresses, ownership edges; --full sends G, the whole graph, instead; --use-flows adds flows and their sockets) and streams each response to disk exactly as received. A manifest records the analyzer URL (never credentials), each query, the time context, start and end times, and each response's size, SHA-256 and record counts; fm analyze verifies them.

The folder is built under a hidden temporary name and renamed when complete, so a failed or interrupted capture leaves nothing that looks complete. The password comes from FM_PASSWORD, --password or a prompt, and is written nowhere.

--every 30s --count 10 takes ten snapshots into one capture: agents poll sockets every few seconds, so short-lived connections show up only across snapshots.

Without Skydive: --ssh HOSTS runs fm's read-only collector (a POSIX sh script that reads ss, ip and /proc; --print-collector shows it) on each host through --ssh-command, and writes the same capture folder, with each socket's network namespace. A host that cannot be collected is recorded in the manifest with its error; the others are still captured and fm exits 4. --local collects this machine the same way.`

  static examples = [
    {description: 'Capture the current state', command: '<%= config.bin %> <%= command.id %> --analyzer 10.0.0.1:8082 --out site-a'},
    {description: 'With authentication and https (password from the environment)', command: 'FM_PASSWORD=... <%= config.bin %> <%= command.id %> --analyzer analyzer.example:8082 --ssl --ca ca.pem --username admin --out site-a'},
    {description: 'Ten minutes ago, one minute of history, with flows', command: '<%= config.bin %> <%= command.id %> --analyzer 10.0.0.1:8082 --at -10m --duration 60 --use-flows --out site-a'},
    {description: 'Ten snapshots, 30 s apart, then analyze them', command: '<%= config.bin %> <%= command.id %> --analyzer 10.0.0.1:8082 --every 30s --count 10 --out site-a && <%= config.bin %> analyze site-a'},
    {description: 'Plain Linux hosts over ssh (your keys, agent and ~/.ssh/config), 16 at a time', command: '<%= config.bin %> <%= command.id %> --ssh web-1,web-2,db-1 --parallel 16 --out site-b'},
    {description: 'Hosts from a file (one per line, # comments), as root through a jump host', command: "<%= config.bin %> <%= command.id %> --ssh @hosts.txt --ssh-command 'ssh -o BatchMode=yes -J bastion -l root -- {host}' --out site-b"},
    {description: 'Network namespaces or containers as hosts', command: "<%= config.bin %> <%= command.id %> --ssh ns1,ns2 --ssh-command 'ip netns exec {host}' --namespaces own --out lab"},
    {description: 'This machine, then the collector for ansible or salt', command: '<%= config.bin %> <%= command.id %> --local --out here && <%= config.bin %> <%= command.id %> --print-collector > fm-collect.sh'},
  ]

  static enableJsonFlag = true

  static flags = {
    ...analyzerFlags,
    analyzer: Flags.string({...analyzerAddress, exactlyOne: ['analyzer', 'ssh', 'local', 'print-collector']}),
    ssh: Flags.string({summary: 'Collect these plain Linux hosts instead of an analyzer: a comma list, or @FILE (one per line, # comments).', helpValue: 'HOSTS', exclusive: ['local', 'print-collector']}),
    local: Flags.boolean({summary: 'Collect this machine instead of an analyzer (no ssh).', exclusive: ['ssh', 'print-collector']}),
    'print-collector': Flags.boolean({summary: 'Print the collector script (read-only POSIX sh) and exit, e.g. for ansible or salt.'}),
    'ssh-command': Flags.string({summary: `How to run a command on a host; {host} is one argv word, never seen by a shell. Default: ${DEFAULT_SSH_COMMAND}`, helpValue: 'TEMPLATE', dependsOn: ['ssh']}),
    parallel: Flags.integer({summary: 'With --ssh, hosts collected at once.', default: 8, min: 1}),
    'host-timeout': Flags.integer({summary: 'With --ssh or --local, seconds one host may take.', default: 120, min: 1}),
    namespaces: Flags.string({summary: 'With --ssh or --local, the network namespaces to read: all (the host\'s, ip netns, and those of processes) or own (only the one the collector runs in).', options: ['all', 'own'], default: 'all'}),
    out: Flags.string({char: 'o', summary: 'The capture folder to create (it must not exist).', helpValue: 'PATH'}),
    ...captureQueryFlags,
    full: Flags.boolean({summary: 'Capture the whole graph (G) instead of only what matching reads.'}),
    every: Flags.string({summary: 'Interval between snapshots, e.g. 30s or 2m (with --count).', helpValue: 'INTERVAL'}),
    count: Flags.integer({summary: 'Number of snapshots to take.', default: 1, min: 1}),
  }

  async run(): Promise<CaptureCommandResult> {
    const {flags} = await this.parse(Capture)
    if (flags['print-collector']) {
      // raw, so `fm capture --print-collector | ssh host sh` works; --json wraps it instead
      if (!this.jsonEnabled()) process.stdout.write(collectorScript())
      return {collector: collectorScript()}
    }
    if (flags.out === undefined) this.error('--out PATH is required: the capture folder to create', {exit: 2})
    checkOutputs({inputs: [], read: {'--ca': flags.ca}, folders: {'--out': flags.out}})
    if (flags.ssh !== undefined || flags.local) return this.collect({...flags, out: flags.out})
    const connection = await analyzerConnection({...flags, analyzer: flags.analyzer!})
    const progress = this.progress()
    const interrupt = interruptible()
    try {
      const result = await capture({
        ...connection,
        out: flags.out!,
        at: flags.at,
        duration: flags.duration,
        useFlows: flags['use-flows'],
        full: flags.full,
        everySeconds: flags.every === undefined ? undefined : parseInterval(flags.every),
        count: flags.count,
        toolVersion: this.config.version,
        signal: interrupt.signal,
        onProgress: (p) => {
          // a late snapshot is kept on stderr: the interval the user asked for was not held
          if (p.phase === 'snapshot' && p.lateSeconds > 0) this.warn(progressLine(p))
          progress(progressLine(p))
        },
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

  /** --ssh and --local: fm's collector on plain hosts instead of an analyzer. */
  private async collect(flags: {ssh?: string; local: boolean; out: string; 'ssh-command'?: string; parallel: number; 'host-timeout': number; namespaces: string}): Promise<CollectResult> {
    const progress = this.progress()
    const interrupt = interruptible()
    const summary = (r: CollectResult): void =>
      this.log(`${r.path}: ${r.collect.hosts.length - r.failed} of ${r.collect.hosts.length} hosts collected; ${r.counts.sockets} sockets, ${r.counts.netns} netns, ${r.counts.interfaces} interfaces`)
    try {
      const result = await collect({
        hosts: flags.ssh === undefined ? undefined : await readHostList(flags.ssh),
        local: flags.local,
        template: flags['ssh-command'],
        namespaces: flags.namespaces as 'all' | 'own',
        parallel: flags.parallel,
        timeoutMs: flags['host-timeout'] * 1000,
        out: flags.out,
        toolVersion: this.config.version,
        signal: interrupt.signal,
        onProgress: (p) => progress(collectProgressLine(p)),
      })
      progress.done()
      summary(result)
      return result
    } catch (e) {
      progress.done()
      if (e instanceof PartialCaptureError) summary(e.result)
      throw e
    } finally {
      progress.done()
      interrupt.dispose()
    }
  }
}
