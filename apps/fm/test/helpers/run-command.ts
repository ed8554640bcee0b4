import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {captureOutput} from '@oclif/test'
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

/** A command class whose instances' run() resolves to T (oclif's static run() then resolves to T too). */
// a command may return nothing (under --json, one that streamed its document to stdout)
type CommandClass<T> = typeof Command & (new (...args: ConstructorParameters<typeof Command>) => Command & {run(): Promise<T | undefined>})

/**
 * Runs a command class in-process from source through @oclif/test (its captureOutput, the
 * part of runCommand that captures stdout and stderr; runCommand itself would load the built
 * command from the manifest). Returns stdout, stderr, the error, the exit code and the result.
 * Needs vitest's console interception off (vitest.config.ts): oclif's this.log is console.log.
 * Example: `const {stdout} = await runCommand(Analyze, ['fixtures/skydive/two-agents.json'])`
 */
export async function runCommand<T>(cmd: CommandClass<T>, argv: string[]): Promise<CommandRun<T>> {
  const exitCode = process.exitCode
  try {
    const r = await captureOutput<T>(async () => await cmd.run(argv, APP_ROOT), {stripAnsi: false})
    const error = r.error as (Error & {oclif?: {exit?: number}}) | undefined
    if (!error) return {stdout: r.stdout, stderr: r.stderr, result: r.result, exitCode: 0}
    // what oclif's error handler would print, outside a test: the message, unless fm printed it and exited
    let stderr = r.stderr
    if (!error.oclif) stderr += error.message
    else if (error.oclif.exit !== undefined && !/^EEXIT/.test(error.message)) stderr += error.message
    return {stdout: r.stdout, stderr, error, exitCode: error.oclif?.exit ?? 1}
  } finally {
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
