import {readFileSync} from 'node:fs'
import {Args, Flags} from '@oclif/core'
import {parseBaseline} from '@fm/baseline'
import {InputError, UsageError} from '@fm/model'
import {parseAllowFrom, type AllowFrom, type ClosedAccess, type PolicyFormat, type PolicyMode} from '@fm/policy'
import {FmCommand} from '../lib/base-command.js'
import {checkOutputs} from '../lib/check-outputs.js'
import {matchFlags, parseStates} from '../lib/flags.js'
import {closedAccessWarning} from '../lib/policy-access.js'
import {writePolicy} from '../lib/write-policy.js'

export interface PolicyResult {
  out: string
  format: PolicyFormat
  mode: PolicyMode
  snapshots: number
  files: string[]
  hosts: {host: string; opened: string[]; clients: number; dropped: number}[]
  /** Remote-access listeners (sshd, the capture's ssh port) the policy closes: also a warning on stderr. */
  closedAccess: ClosedAccess[]
}

export default class Policy extends FmCommand {
  static summary = 'Write per-host inbound firewall rules (nftables or iptables) from the connections observed.'

  static description = `One ruleset per server host, and DIR/README.md saying, per host, which protocol/port is opened to which clients and why. Each ruleset accepts loopback, packets of established and related connections and IPv6 neighbour discovery, then for each served protocol/port the client addresses observed (a named set per family); everything else is dropped, or with --mode monitor logged and accepted.

nftables: DIR/<host>.nft, its own table "inet fm", replaced in one transaction by "nft -f" and touching no other table. iptables: DIR/<host>.rules and DIR/<host>.rules6 for iptables-restore / ip6tables-restore --noflush, the chain FM-INPUT.

Every connection observed is kept: a matched client, and the peer of any server-side socket no captured client was matched to (an operator's ssh session, a bastion, a client outside the capture), listed per port in README.md as an outside peer. A listener of sshd (or of the port the capture's own ssh transport used) that no observed client reaches would be closed: fm policy says so loudly on stderr. --allow-from CIDR lets an admin network reach every port each host listens on; --allow-from CIDR:PORT only that port (TCP, and UDP where a host listens on it); IPv6 with a port: [ADDR]:PORT or PREFIX/LEN:PORT.

With --baseline only connections the baseline allows become rules; README.md lists the observed ones it does not allow, which the policy drops. Listeners bound to loopback only are left alone; a wildcard listener is opened on the addresses the host owns. Host file names are encoded (letters, digits, "-", "_" and "." kept, other bytes %XX), so any host name is a safe file name.

Check before applying: fm check --policy DIR INPUT... lists the observed connections the policy would drop. Not covered: outbound traffic, connections never observed in the capture window, and processes (the rules filter addresses and ports, not programs).`

  static examples = [
    {description: 'nftables rules from a capture', command: '<%= config.bin %> <%= command.id %> site-a --out policy'},
    {description: 'Only what the reviewed baseline allows, clients widened to /24, logging instead of dropping', command: '<%= config.bin %> <%= command.id %> site-a --baseline baseline.yaml --aggregate /24 --mode monitor --out policy'},
    {description: 'Keep ssh open from the admin network and the bastion, whatever was observed', command: '<%= config.bin %> <%= command.id %> site-a --allow-from 10.20.0.0/16:22 --allow-from 192.0.2.7:22 --out policy'},
    {description: 'An admin network that may reach every port the hosts listen on', command: '<%= config.bin %> <%= command.id %> site-a --allow-from 10.20.0.0/16 --out policy'},
    {description: 'iptables-restore files', command: '<%= config.bin %> <%= command.id %> dump.json --format iptables --out policy'},
  ]

  static enableJsonFlag = true

  static args = {
    inputs: Args.string({description: 'dumps, capture folders, fm databases or matrix CSVs', required: true}),
  }

  static strict = false

  static flags = {
    out: Flags.string({char: 'o', summary: 'The policy folder to write (new, empty, or one fm policy wrote: replaced whole).', required: true, helpValue: 'DIR'}),
    format: Flags.string({char: 'f', summary: 'Rule syntax.', options: ['nftables', 'iptables'], default: 'nftables'}),
    baseline: Flags.string({char: 'b', summary: 'Only connections this baseline allows become rules.', helpValue: 'FILE'}),
    mode: Flags.string({summary: 'enforce: drop what no rule accepts; monitor: log it and accept (a soak period).', options: ['enforce', 'monitor'], default: 'enforce'}),
    aggregate: Flags.string({summary: 'Widen IPv4 client addresses to networks of this prefix length, e.g. /24.', helpValue: '/N'}),
    'allow-from': Flags.string({
      summary: 'Also let this admin network in: CIDR to every port a host listens on, CIDR:PORT to that port (repeatable).',
      multiple: true,
      helpValue: 'CIDR[:PORT]',
    }),
    'aggregate-v6': Flags.string({summary: 'Widen IPv6 client addresses to networks of this prefix length, e.g. /64.', helpValue: '/N'}),
    ...matchFlags,
  }

  async run(): Promise<PolicyResult> {
    const {argv, flags} = await this.parse(Policy)
    checkOutputs({inputs: argv as string[], read: {'--baseline': flags.baseline}, folders: {'--out': flags.out}})
    const aggregate = {v4: prefixFlag('--aggregate', flags.aggregate, 32), v6: prefixFlag('--aggregate-v6', flags['aggregate-v6'], 128)}
    const baseline = flags.baseline ? {file: flags.baseline, baseline: parseBaseline(readText(flags.baseline), flags.baseline)} : undefined
    const progress = this.progress()
    const format = flags.format as PolicyFormat
    // entries are set aside by server host, and one host's policy is built and written at a time
    const allowFrom = (flags['allow-from'] ?? []).map(allowFromFlag)
    const policy = await writePolicy(argv as string[], {out: flags.out, format, mode: flags.mode as PolicyMode, aggregate, baseline, allowFrom, states: parseStates(flags.states), progress})
    const {files, snapshots} = policy
    const dropped = policy.hosts.reduce((n, h) => n + h.dropped, 0)
    this.log(`${flags.out}: ${policy.hosts.length} host${policy.hosts.length === 1 ? '' : 's'}, ${files.length - 1} ${format} file${files.length === 2 ? '' : 's'} and README.md (${policy.mode}, ${snapshots} snapshot${snapshots === 1 ? '' : 's'}${dropped ? `; ${dropped} observed connection${dropped === 1 ? '' : 's'} not allowed, listed in README.md` : ''})`)
    // loud even under --json (stdout keeps the document): applying this as it is locks people out
    const warning = closedAccessWarning(policy.closedAccess)
    if (warning) process.stderr.write(warning)
    return {out: flags.out, format, ...policy}
  }
}

function prefixFlag(name: string, v: string | undefined, max: number): number | null {
  if (v === undefined) return null
  const m = /^\/?(\d{1,3})$/.exec(v.trim())
  if (!m || Number(m[1]) > max) throw new UsageError(`${name} must be a prefix length /0-/${max}, got ${JSON.stringify(v)}`)
  return Number(m[1])
}

function allowFromFlag(v: string): AllowFrom {
  const a = parseAllowFrom(v)
  if (!a) throw new UsageError(`--allow-from must be CIDR or CIDR:PORT (IPv6 with a port: [ADDR]:PORT or PREFIX/LEN:PORT), got ${JSON.stringify(v)}`)
  return a
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new InputError(file, code === 'ENOENT' ? 'no such baseline file' : `cannot read (${code})`)
  }
}
