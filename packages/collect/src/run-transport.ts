import {spawn} from 'node:child_process'
import {createHash} from 'node:crypto'
import {createWriteStream} from 'node:fs'
import {rm} from 'node:fs/promises'
import {setTimeout as sleep} from 'node:timers/promises'

export interface TransportRun {
  /** The transport's argv (program first); the script goes on its standard input. */
  argv: string[]
  script: string
  /** Where its standard output is written as it arrives (removed if the run fails). */
  file: string
  timeoutMs: number
  /** More output than this is refused and the transport ended. */
  maxBytes: number
  signal?: AbortSignal
  /** How long a group asked to end (SIGTERM) has before SIGKILL (default 2 s). */
  graceMs?: number
}

/** The output of a transport that exited 0, as written to `file`. */
export interface TransportOutput {
  bytes: number
  sha256: string
}

/** Process groups of transports fm started and has not seen end: fm's exit kills them. */
const live = new Set<number>()
let exitHookInstalled = false

/**
 * Runs one transport in a process group of its own (a new session, so no terminal either) with
 * the script on stdin, writing its output straight to `file` (never held in memory, so eight
 * hosts sending without end cost disk up to `maxBytes` each, not gigabytes of memory). A
 * timeout, an abort or too much output ends the whole group (SIGTERM, then SIGKILL after the
 * grace period), so nothing the transport started (`sleep 1000 &`, a writer that keeps the
 * output open) lives on; the result comes once the group is gone. fm's exit kills any group
 * still running. Resolves to the output, or to why the host failed (one line).
 */
export function runTransport(run: TransportRun): Promise<TransportOutput | {error: string}> {
  const {argv, timeoutMs, maxBytes, signal} = run
  installExitHook()
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), {stdio: ['pipe', 'pipe', 'pipe'], detached: true})
    const group = child.pid
    if (group !== undefined) live.add(group)
    const file = createWriteStream(run.file)
    const hash = createHash('sha256')
    let size = 0
    let stderr = ''
    let settled = false
    const settle = async (r: {ok: true} | {error: string}, endGroup: boolean): Promise<void> => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', abort)
      if (endGroup && group !== undefined) await terminateGroup(group, run.graceMs ?? 2000)
      if (group !== undefined) live.delete(group)
      if ('error' in r) {
        child.stdout.destroy()
        child.stderr.destroy()
        file.destroy()
        await rm(run.file, {force: true})
        resolve(r)
        return
      }
      file.end(() => resolve({bytes: size, sha256: hash.digest('hex')}))
    }
    const fail = (error: string): void => void settle({error}, true)
    const abort = (): void => fail('interrupted')
    const timer = setTimeout(() => fail(`timed out after ${timeoutMs / 1000} s`), timeoutMs)
    signal?.addEventListener('abort', abort)
    if (signal?.aborted) abort()
    child.on('error', (e) => void settle({error: `cannot run ${argv[0]}: ${(e as NodeJS.ErrnoException).code ?? e.message}`}, false))
    file.on('error', (e) => fail(`cannot write its output: ${(e as NodeJS.ErrnoException).code ?? e.message}`))
    child.stdin.on('error', () => {}) // the transport may exit before reading the script: its exit status says why
    child.stdout.on('data', (d: Buffer) => {
      if (settled) return
      size += d.length
      if (size > maxBytes) return fail(`sent more than ${mib(maxBytes)} (the largest bundle fm takes from one host), refused`)
      hash.update(d)
      // the disk is slower than the pipe: stop reading until the file has caught up
      if (!file.write(d)) {
        child.stdout.pause()
        file.once('drain', () => child.stdout.resume())
      }
    })
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 4096) stderr += d.toString('utf8')
    })
    child.on('close', (code, sig) => {
      if (code === 0) return void settle({ok: true}, false)
      const last = stderr.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? ''
      void settle({error: `${sig ? `killed by ${sig}` : `exit ${code}`}${last ? `: ${last}` : ''}`}, false)
    })
    child.stdin.end(run.script)
  })
}

/** SIGTERM to every process of the group, then SIGKILL to what is left after `graceMs`. */
async function terminateGroup(group: number, graceMs: number): Promise<void> {
  if (!signalGroup(group, 'SIGTERM')) return
  const until = Date.now() + graceMs
  while (Date.now() < until) {
    await sleep(20)
    if (!signalGroup(group, 0)) return
  }
  signalGroup(group, 'SIGKILL')
}

/** Sends `sig` to process group `group`; false when no process is left in it. */
function signalGroup(group: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-group, sig)
    return true
  } catch {
    return false
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // 'exit' allows no waiting: whatever transport is still running is killed outright
  process.on('exit', () => {
    for (const group of live) signalGroup(group, 'SIGKILL')
  })
}

function mib(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`
}
