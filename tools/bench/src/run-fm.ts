import {spawnSync} from 'node:child_process'
import {readFileSync, rmSync} from 'node:fs'
import {resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const fmBin = resolve(here, '../../../apps/fm/bin/run.js')

export interface FmRun {
  status: number | null
  /** Wall seconds, as the bench sees them (Node's start-up included). */
  s: number
  /** CPU seconds (user + system, every thread) and peak RSS (MB), as the probe saw them at exit. */
  cpuS: number
  rssMB: number
  stdout: string
  stderr: string
}

/**
 * Runs the built fm (`apps/fm/bin/run.js ARGS`) with rss-probe.cjs preloaded, writing the probe's
 * figures to `probeFile`. Throws on a non-zero exit unless `allowFailure`; `ignoreStdout` for
 * commands whose output would not fit in memory.
 */
export function runFm(args: string[], opts: {probeFile: string; allowFailure?: boolean; ignoreStdout?: boolean}): FmRun {
  rmSync(opts.probeFile, {force: true})
  const t = performance.now()
  const r = spawnSync(process.execPath, ['-r', resolve(here, 'rss-probe.cjs'), fmBin, ...args], {
    cwd: resolve(here, '../../..'),
    env: {...process.env, FM_BENCH_PROBE_FILE: opts.probeFile},
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', opts.ignoreStdout ? 'ignore' : 'pipe', 'pipe'],
  })
  const s = (performance.now() - t) / 1000
  if (r.status !== 0 && !opts.allowFailure) throw new Error(`fm ${args.join(' ')} failed (${r.status}): ${r.stderr}`)
  const p = JSON.parse(readFileSync(opts.probeFile, 'utf8')) as {maxRss: number; cpuMs: number}
  return {status: r.status, s, cpuS: p.cpuMs / 1000, rssMB: p.maxRss / 1e6, stdout: r.stdout ?? '', stderr: r.stderr ?? ''}
}
