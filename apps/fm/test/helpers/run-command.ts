import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {format} from 'node:util'
import type {Command} from '@oclif/core'

export const APP_ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const REPO_ROOT = fileURLToPath(new URL('../../../..', import.meta.url))
export const FM_BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

export interface CommandRun<T> {
  stdout: string
  stderr: string
  /** The error the command ended with (oclif errors carry `oclif.exit`). */
  error?: Error & {oclif?: {exit?: number}}
  /** The exit code the binary would have returned. */
  exitCode: number
  result?: T
}

type CommandClass<T> = {run(argv?: string[], opts?: string): Promise<T>} & typeof Command

/**
 * Runs a command class in-process from source, capturing stdout, stderr, the error and the result.
 * Example: `const {stdout} = await runCommand(Analyze, ['fixtures/skydive/two-agents.json'])`
 */
export async function runCommand<T>(cmd: CommandClass<T>, argv: string[]): Promise<CommandRun<T>> {
  const out: string[] = []
  const err: string[] = []
  const ow = process.stdout.write.bind(process.stdout)
  const ew = process.stderr.write.bind(process.stderr)
  process.stdout.write = ((c: string | Uint8Array) => (out.push(String(c)), true)) as typeof process.stdout.write
  process.stderr.write = ((c: string | Uint8Array) => (err.push(String(c)), true)) as typeof process.stderr.write
  // oclif's this.log and this.warn go through console.log/console.error, which vitest intercepts
  const {log, error: logError} = console
  console.log = (...args: unknown[]) => void out.push(`${format(...args)}\n`)
  console.error = (...args: unknown[]) => void err.push(`${format(...args)}\n`)
  const exitCode = process.exitCode
  try {
    const result = await cmd.run(argv, APP_ROOT)
    return {stdout: out.join(''), stderr: err.join(''), result, exitCode: 0}
  } catch (e) {
    const error = e as Error & {oclif?: {exit?: number}}
    if (!error.oclif) err.push(error.message)
    else if (error.oclif.exit !== undefined && !/^EEXIT/.test(error.message)) err.push(error.message)
    return {stdout: out.join(''), stderr: err.join(''), error, exitCode: error.oclif?.exit ?? 1}
  } finally {
    process.stdout.write = ow
    process.stderr.write = ew
    console.log = log
    console.error = logError
    process.exitCode = exitCode
  }
}

/** Runs the built `fm` binary (needs `npm run build`), like a user would. */
export function runFm(argv: string[], opts: {cwd?: string; env?: NodeJS.ProcessEnv; input?: string | Buffer} = {}): {stdout: string; stderr: string; status: number} {
  const r = spawnSync(process.execPath, [FM_BIN, ...argv], {
    cwd: opts.cwd ?? REPO_ROOT,
    env: {...process.env, NO_COLOR: '1', ...opts.env},
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  })
  return {stdout: r.stdout, stderr: r.stderr, status: r.status ?? 1}
}
