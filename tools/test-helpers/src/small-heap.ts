import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export interface SmallHeapRun {
  status: number | null
  out: string
  err: string
}

/**
 * Runs a TypeScript script (through tsx) in a child Node with a V8 heap of `heapMb`, and hands
 * back its exit status, stdout (trimmed) and stderr. The memory tests run the same work twice
 * this way, held in memory (which must run out) and streamed (which must fit), so the heap is
 * what is measured, never time. The child's TMPDIR is a folder of its own, removed when it ends:
 * a child that runs out of memory cannot clean up after itself.
 * @example const held = await runInSmallHeap(script, ['120000', 'held'], {heapMb: 48, timeoutMs: 170_000})
 */
export function runInSmallHeap(script: string, args: string[], opts: {heapMb: number; timeoutMs: number}): Promise<SmallHeapRun> {
  const tmp = mkdtempSync(join(tmpdir(), 'fm-small-heap-'))
  const child = spawn(process.execPath, [`--max-old-space-size=${opts.heapMb}`, '--import', 'tsx', script, ...args], {stdio: ['ignore', 'pipe', 'pipe'], timeout: opts.timeoutMs, env: {...process.env, TMPDIR: tmp}})
  let out = ''
  let err = ''
  child.stdout.on('data', (c: Buffer) => (out += c.toString()))
  child.stderr.on('data', (c: Buffer) => (err += c.toString()))
  return new Promise((resolve) =>
    child.on('close', (status) => {
      rmSync(tmp, {recursive: true, force: true})
      resolve({status, out: out.trim(), err})
    }),
  )
}
