import {spawn} from 'node:child_process'
import {FM_BIN, REPO_ROOT} from './run-command.js'

export interface SpawnedRun {
  stdout: Buffer
  stderr: string
  status: number | null
  signal: NodeJS.Signals | null
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv
  cwd?: string
  /** A file descriptor for the child's stdout (e.g. /dev/full opened for writing); default a pipe read to the end. */
  stdoutFd?: number
  /**
   * Runs `fm ARGS | { sleep S; cat; }` in bash: stdout is a real pipe (64 KiB, where Node's own
   * child pipes are larger socket pairs) that nobody reads for S seconds, like a CI log slower
   * than fm, so it is full when fm is about to exit. `status` is fm's (PIPESTATUS).
   */
  slowShellPipe?: {holdSeconds: number}
  /** Called once the child runs, e.g. to send it a signal. */
  onSpawn?: (child: ReturnType<typeof spawn>) => void
}

/**
 * Runs the built `fm` binary asynchronously (so servers in the test process keep serving),
 * its stdout a pipe read to the end. Example: `const r = await spawnFm(['diff', a, b])`
 */
export function spawnFm(args: string[], opts: SpawnOptions = {}): Promise<SpawnedRun> {
  const [cmd, argv] = opts.slowShellPipe
    ? ['bash', ['-c', `"$0" "$@" | { sleep ${opts.slowShellPipe.holdSeconds}; cat; }; exit \${PIPESTATUS[0]}`, process.execPath, FM_BIN, ...args]]
    : [process.execPath, [FM_BIN, ...args]]
  const child = spawn(cmd, argv, {
    cwd: opts.cwd ?? REPO_ROOT,
    env: {...process.env, NO_COLOR: '1', ...opts.env},
    stdio: ['ignore', opts.stdoutFd ?? 'pipe', 'pipe'],
  })
  const out: Buffer[] = []
  let stderr = ''
  if (child.stdout) {
    child.stdout.on('data', (c: Buffer) => out.push(c))
  }
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()))
  opts.onSpawn?.(child)
  return new Promise((resolve) => {
    child.on('close', (status, signal) => resolve({stdout: Buffer.concat(out), stderr, status, signal}))
  })
}
