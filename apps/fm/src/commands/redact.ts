import {Args, Flags} from '@oclif/core'
import {redactCapture, type RedactedManifest} from '@fm/redact'
import {FmCommand} from '../lib/base-command.js'
import {checkOutputs} from '../lib/check-outputs.js'
import {withInterrupt} from '../lib/flags.js'
import {redactionKey} from '../lib/redact-inputs.js'

export interface RedactResult {
  out: string
  keyFingerprint: string
  snapshots: number
  counts: RedactedManifest['counts']
  map: {file: string; rows: number} | null
}

export default class Redact extends FmCommand {
  static summary = 'Write a redacted capture: host names, addresses, ids and user or site paths replaced by stable keyed pseudonyms.'

  static description = `Reads what fm analyze reads (dumps and capture folders, streamed: any size) and writes an fm capture folder that every fm command reads, in which:

- addresses are anonymised prefix-preservingly with Crypto-PAn over AES-128 (subnets stay subnets); loopback and unspecified addresses keep their value, link-local and multicast their class, interface CIDRs their prefix length;
- host names, hostnames, Skydive ids, interface names (but generic ones such as eth0, docker0, br-int) and namespace names become keyed pseudonyms such as host-3f1a9c0b2d4e;
- executable paths outside the system directories (/usr/bin, /usr/lib, ...) get every directory pseudonymised (/home/alice/bin/tool becomes /home/d-.../d-.../tool); the process name and the executable's base name are kept, since they are what the matrix is about, unless --services;
- every other field of the dump (metadata, MACs, the analyzer's address, input file names) is left out.

The key file is created when missing (32 random bytes, mode 0600) and reused otherwise: the same site redacted twice, or two captures of it, get the same pseudonyms, so redacted captures can be diffed and checked against a redacted baseline. The same inputs and key give the same bytes. The manifest says what was redacted and gives the key's fingerprint, never the key.

The analysis of a redacted capture has the same entries, connections, unmatched sockets and ambiguities as the original's, under pseudonyms.`

  static examples = [
    {description: 'Redact a dump with a new key (created, mode 0600)', command: '<%= config.bin %> <%= command.id %> dump.json --key site-a.key --out site-a-redacted'},
    {description: 'Keep the table of what became what, for the site only', command: '<%= config.bin %> <%= command.id %> site-a --key site-a.key --out redacted --map site-a-map.csv'},
    {description: 'Keep the gateway and the management network in the clear', command: '<%= config.bin %> <%= command.id %> dump.json --key k --out r --keep-host gw-1 --keep-address 10.0.0.0/24'},
    {description: 'Also hide process and executable names', command: '<%= config.bin %> <%= command.id %> dump.json --key k --out r --services'},
    {description: 'A report made from a redacted copy, in one step', command: '<%= config.bin %> report dump.json --redact --key site-a.key --out report.html'},
  ]

  static enableJsonFlag = true

  static strict = false

  static args = {
    inputs: Args.string({description: 'dump files or capture folders', required: true}),
  }

  static flags = {
    key: Flags.string({summary: 'The redaction key file: created when missing (random, mode 0600), reused otherwise.', required: true, helpValue: 'FILE'}),
    out: Flags.string({char: 'o', summary: 'The capture folder to write (must not exist).', required: true, helpValue: 'PATH'}),
    map: Flags.string({summary: 'Also write the original → pseudonym table (CSV, mode 0600) for the site\'s own use; never inside --out, never over the key or an input.', helpValue: 'FILE'}),
    'keep-host': Flags.string({summary: 'Keep this host name (node Host field or hostname) in the clear; repeatable.', multiple: true, helpValue: 'NAME'}),
    'keep-address': Flags.string({summary: 'Keep the addresses of this CIDR (or this address) in the clear; repeatable.', multiple: true, helpValue: 'CIDR'}),
    'allow-path': Flags.string({summary: 'Keep executable paths under this directory whole, like the system directories; repeatable.', multiple: true, helpValue: 'DIR'}),
    services: Flags.boolean({summary: 'Also pseudonymise process names and executable base names.'}),
  }

  async run(): Promise<RedactResult> {
    const {argv, flags} = await this.parse(Redact)
    // before the key is created: --map or --out on the key (or an input) would write the originals over it
    checkOutputs({inputs: argv as string[], read: {'--key': flags.key}, files: {'--map': flags.map}, folders: {'--out': flags.out}})
    const key = await redactionKey(flags.key)
    const progress = this.progress()
    const r = await withInterrupt((signal) => redactCapture({
      inputs: argv as string[],
      out: flags.out,
      key,
      map: flags.map,
      keepHosts: flags['keep-host'],
      keepAddresses: flags['keep-address'],
      allowPaths: flags['allow-path'],
      services: flags.services,
      toolVersion: this.config.version,
      signal,
      onProgress: (p) => progress(`redacting ${p.file}: ${(p.bytesRead / 1e6).toFixed(1)} of ${(p.totalBytes / 1e6).toFixed(1)} MB, ${p.records} records`),
    }))
    progress.done()
    const c = r.manifest.counts
    this.log(`wrote ${r.path}: ${r.manifest.snapshots.length} snapshot${r.manifest.snapshots.length === 1 ? '' : 's'}, ${c.hosts} hosts, ${c.sockets} sockets, ${c.interfaces} interfaces, ${c.flows} flows redacted (key ${key.fingerprint})`)
    if (r.map) this.log(`wrote ${r.map.file}: ${r.map.rows} originals and their pseudonyms (keep it on site)`)
    return {out: r.path, keyFingerprint: key.fingerprint, snapshots: r.manifest.snapshots.length, counts: c, map: r.map}
  }
}
