import {readFileSync} from 'node:fs'
import {Flags} from '@oclif/core'
import {entrySelector, parseGroups, selectionRule, type EntrySelector, type SelectFlag} from '@fm/baseline'
import {describeErrno, errnoOf, InputError, InterruptedError, UsageError} from '@fm/model'
import type {ConnectionOptions} from '@fm/capture'

/** Flags shared by every command that reads dumps and matches them. */
export const matchFlags = {
  states: Flags.string({
    summary: 'Client socket states that count as connections (comma-separated), or "any" for every non-listener socket.',
    description: 'Default: ESTABLISHED; for a capture taken with a time context (--at), any, as the original tool counted.',
  }),
}

/** Parses `--states`; undefined (not given) leaves the choice to each capture (see AnalyzeOptions.states). */
export function parseStates(s: string | undefined): string[] | 'any' | undefined {
  if (s === undefined) return undefined
  const list = s.split(',').map((x) => x.trim().toUpperCase()).filter(Boolean)
  return list.includes('ANY') ? 'any' : list
}

const selectSummaries: Record<SelectFlag, [string, string]> = {
  host: ['Only entries with this host (or group) at either end.', 'compute-17'],
  'client-host': ['Only entries whose client is on this host (or group).', 'compute-*'],
  'server-host': ['Only entries whose server is on this host (or group).', 'ctrl-*'],
  service: ['Only entries with this service at either end: the process name, or the executable path when the pattern has a "/".', 'rabbitmq'],
  client: ['Only entries whose client is this service (process name, or executable path when the pattern has a "/").', 'nova-*'],
  server: ['Only entries served by this service (process name, or executable path when the pattern has a "/").', 'mysqld'],
  protocol: ['Only entries of this protocol (TCP, UDP).', 'TCP'],
  port: ['Only entries to this server port or range (8000-8999).', '3306'],
  address: ['Only entries with an address in this CIDR range (or this address, or glob) at either end.', '10.1.0.0/16'],
  'client-address': ['Only entries whose client address is in this range.', '10.1.0.0/16'],
  'server-address': ['Only entries whose server address is in this range.', '10.2.0.5'],
}

function selectFlag(f: SelectFlag) {
  return Flags.string({summary: selectSummaries[f][0], description: `Globs (* ?) as in baseline rules. Repeat --${f} or separate values with commas: any of them; different selection flags: all of them. Stderr says how many entries were kept.`, helpValue: selectSummaries[f][1], multiple: true, helpGroup: 'SELECT'})
}

/**
 * Flags that select matrix entries, for every command that reads a deployment; matched as baseline
 * rules are (globs, CIDR ranges, port ranges). Repeated or comma-separated values: any of; different flags: all of.
 */
export const selectFlags = {
  host: selectFlag('host'),
  'client-host': selectFlag('client-host'),
  'server-host': selectFlag('server-host'),
  service: selectFlag('service'),
  client: selectFlag('client'),
  server: selectFlag('server'),
  protocol: selectFlag('protocol'),
  port: selectFlag('port'),
  address: selectFlag('address'),
  'client-address': selectFlag('client-address'),
  'server-address': selectFlag('server-address'),
  groups: Flags.string({
    summary: 'Name groups of hosts and services with this YAML file (version: 1; see README "Groups").',
    description: 'Host rules ({group, host: glob} or {group, address: CIDR}) and service rules ({service, process: glob on the path} or {service, name: glob}); the first matching rule wins. Services are renamed in every output; selection flags accept group names where they accept host names; fm analyze --by group and fm report draw the matrix between groups.',
    helpValue: 'FILE',
    helpGroup: 'SELECT',
  }),
}

/**
 * The selector of the selection flags and --groups, or undefined when none is given. At `level`
 * group (baseline, check, diff) hosts become their groups' names, which needs --groups.
 */
export function entrySelection(flags: Partial<Record<SelectFlag, string[]>> & {groups?: string}, level?: string): EntrySelector | undefined {
  if (level === 'group' && flags.groups === undefined) throw new UsageError('level group compares groups of hosts: add --groups FILE', ['See README "Groups" for the file.'])
  const rule = selectionRule(flags)
  let groups = null
  if (flags.groups !== undefined) {
    let text: string
    try {
      text = readFileSync(flags.groups, 'utf8')
    } catch (e) {
      throw new InputError(flags.groups, `cannot read the groups file: ${describeErrno(errnoOf(e))}`)
    }
    groups = parseGroups(text, flags.groups)
  }
  return rule || groups ? entrySelector({rule, groups, groupHosts: level === 'group'}) : undefined
}

/** Says on stderr what a selection left out ("42 of 17,553 entries selected (--host cmp-00017)"). */
export function noteSelection(sel: EntrySelector | undefined): void {
  const line = sel?.summary()
  if (line) process.stderr.write(`${line}\n`)
}

/** The options of `--analyzer`, for commands where it is required. */
export const analyzerAddress = {summary: 'Skydive analyzer address, HOST:PORT (port 8082 when left out).', helpValue: 'HOST:PORT'}

/**
 * How to reach and log into a Skydive analyzer; shared by `fm capture`, `fm analyze --analyzer`
 * and `fm publish`, with the original tool's names.
 */
export const analyzerFlags = {
  analyzer: Flags.string(analyzerAddress),
  username: Flags.string({summary: 'Log in as this user (the analyzer has authentication on).', dependsOn: ['analyzer']}),
  password: Flags.string({summary: 'Password for --username. Prefer FM_PASSWORD or the prompt: a flag shows in ps and shell history.', env: 'FM_PASSWORD'}),
  ssl: Flags.boolean({summary: 'Talk to the analyzer over https.', dependsOn: ['analyzer']}),
  insecure: Flags.boolean({summary: 'With --ssl, do not verify the analyzer\'s certificate.', dependsOn: ['analyzer']}),
  ca: Flags.string({summary: 'With --ssl, trust the CA certificates in this PEM file.', helpValue: 'FILE', dependsOn: ['analyzer']}),
  timeout: Flags.integer({summary: 'Seconds without any byte from the analyzer before giving up.', default: 120, min: 1}),
}

/** The Gremlin time context and flow options of the original tool. */
export const captureQueryFlags = {
  at: Flags.string({summary: 'Query the topology as it was at this time: a Go duration (-10m), a Unix timestamp or an RFC 1123 date.', dependsOn: ['analyzer']}),
  duration: Flags.integer({summary: 'With --at, seconds of history to look at.', min: 1, dependsOn: ['analyzer']}),
  'use-flows': Flags.boolean({summary: 'Also capture flows with a transport layer, and the sockets at their ends.'}),
}

type AnalyzerFlagValues = {analyzer?: string; username?: string; password?: string; ssl: boolean; insecure: boolean; ca?: string; timeout: number}

/**
 * Turns the analyzer flags into connection options. The password comes from --password or
 * FM_PASSWORD, else from a prompt when both stdin and stderr are terminals; it is never echoed.
 */
export async function analyzerConnection(flags: AnalyzerFlagValues & {analyzer: string}): Promise<ConnectionOptions> {
  let password = flags.password
  if (flags.username !== undefined && password === undefined && process.stdin.isTTY && process.stderr.isTTY) {
    password = await promptPassword(`Password for ${flags.username} at ${flags.analyzer}:`)
  }
  return {analyzer: flags.analyzer, username: flags.username, password, ssl: flags.ssl, insecure: flags.insecure, ca: flags.ca, timeoutSeconds: flags.timeout}
}

/**
 * Asks on the terminal (stderr: stdout is data) without echoing; a real line editor, so arrow
 * keys and other escape sequences never end up in the password. Ctrl-C stops the run (130).
 */
async function promptPassword(question: string): Promise<string> {
  const {default: password} = await import('@inquirer/password')
  try {
    return await password({message: question, mask: false}, {input: process.stdin, output: process.stderr})
  } catch (e) {
    if ((e as Error).name === 'ExitPromptError') throw new InterruptedError('interrupted at the password prompt')
    throw e
  }
}

/** An AbortSignal raised by Ctrl-C (or a polite kill) while a capture runs, so it can clean up before exiting. */
export function interruptible(): {signal: AbortSignal; dispose: () => void} {
  const abort = new AbortController()
  const stop = (): void => abort.abort()
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
  for (const s of signals) process.once(s, stop)
  return {signal: abort.signal, dispose: () => signals.forEach((s) => process.off(s, stop))}
}

/** Runs `f` with a signal raised by Ctrl-C or a polite kill (see interruptible). */
export async function withInterrupt<T>(f: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const interrupt = interruptible()
  try {
    return await f(interrupt.signal)
  } finally {
    interrupt.dispose()
  }
}
