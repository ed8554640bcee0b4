import {Flags} from '@oclif/core'
import {InterruptedError} from '@fm/model'
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
