// npm run bench:commands [-- --sizes 5000,20000 --seed 1 --data bench-data --only 'analyze table,baseline,check']
// (--only takes command names as the table prints them; check needs baseline's file, check --policy policy's folder)
// For each size: generates the deployment (once, cached in the data folder), then runs the built
// `fm` binary for every analyze format, every report format, baseline, check, diff, publish (into a fake analyzer on
// loopback), policy and check --policy, one at a time, printing each command's wall time, peak RSS (of the fm process, from
// /usr/bin/time), CPU time (user + system: wall time depends on what else runs), exit code and output size as a markdown table. Needs a build (the npm script builds first).
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync, rmSync, statSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {FakeAnalyzerProcesses} from '@fm/fake-analyzer'
import {benchDeployment} from './deployment.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = resolve(here, '../../..')
const {values} = parseArgs({
  options: {
    sizes: {type: 'string', default: process.env.BENCH_SIZES ?? '5000,20000'},
    seed: {type: 'string', default: '1'},
    data: {type: 'string', default: join(root, 'bench-data')},
    only: {type: 'string'},
  },
})
const sizes = values.sizes.split(',').map((s) => Number(s.trim().replace(/k$/i, '000')))
const seed = Number(values.seed)
const only = values.only ? new Set(values.only.split(',')) : null
const fm = join(root, 'apps/fm/bin/run.js')

interface Row {
  hosts: number
  name: string
  command: string
  seconds: number
  cpuSeconds: number
  rssMB: number
  exit: number
  outMB: number
}

/** Runs fm under /usr/bin/time (peak RSS of the process, worker threads included), stdout to a file. */
function measure(args: string[], out: string): {seconds: number; cpuSeconds: number; rssMB: number; exit: number; outMB: number; stderr: string} {
  const timeFile = `${out}.time`
  rmSync(out, {force: true})
  const t = performance.now()
  const r = spawnSync('/bin/sh', ['-c', `exec /usr/bin/time -f '%M %U %S' -o "$0" "$@" > "${out}"`, timeFile, process.execPath, fm, ...args], {cwd: root, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})
  const seconds = (performance.now() - t) / 1000
  const [kb, user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number)
  rmSync(timeFile, {force: true})
  const outMB = existsSync(out) ? statSync(out).size / 1e6 : 0
  rmSync(out, {force: true})
  return {seconds, cpuSeconds: user + sys, rssMB: kb / 1024, exit: r.status ?? -1, outMB, stderr: r.stderr}
}

// A fake analyzer on a free loopback port, serving the bundled two-agent dump (publish writes into it).
const fakes = new FakeAnalyzerProcesses('fixtures/skydive/two-agents.json')

const rows: Row[] = []
for (const hosts of sizes) {
  const dir = benchDeployment(values.data, hosts, seed)
  const dump = join(dir, 'dump.json')
  // per process, so several benches (say one --only each) can share a data folder
  const out = join(dir, `bench-out-${process.pid}`)
  const base = join(dir, `baseline-service-${process.pid}.yaml`)
  const baseHost = join(dir, `baseline-host-${process.pid}.yaml`)
  const policy = join(dir, `policy-${process.pid}`)
  const analyzer = await fakes.start()
  const commands: [string, string[]][] = [
    ['analyze csv', ['analyze', dump]],
    ['analyze wide-csv', ['analyze', dump, '--format', 'wide-csv']],
    ['analyze json', ['analyze', dump, '--format', 'json']],
    ['analyze --json', ['analyze', dump, '--json']],
    ['analyze dot', ['analyze', dump, '--format', 'dot']],
    ['analyze table', ['analyze', dump, '--format', 'table']],
    ['analyze --list-no-peers', ['analyze', dump, '--list-no-peers']],
    ['analyze --list-no-peers json', ['analyze', dump, '--list-no-peers', '--format', 'json']],
    ['report html', ['report', dump, '--out', `${out}.html`]],
    ['report svg', ['report', dump, '--format', 'svg', '--out', `${out}.svg`]],
    ['report dot', ['report', dump, '--format', 'dot', '--out', `${out}.dot`]],
    ['report render', ['report', dump, '--format', 'render', '--out', `${out}.render.svg`]],
    ['baseline', ['baseline', dump, '--out', base]],
    ['baseline --level host', ['baseline', dump, '--level', 'host', '--out', baseHost]],
    ['check', ['check', '-b', base, dump]],
    ['check host level --format junit', ['check', '-b', baseHost, dump, '--format', 'junit']],
    ['check host level --format json', ['check', '-b', baseHost, dump, '--format', 'json']],
    // the host-level file again, regenerated in place (after the checks, which read it as written)
    ['baseline --level host (regenerating)', ['baseline', dump, '--out', baseHost]],
    ['diff', ['diff', dump, dump, '--exit-code']],
    ['diff --level host --format json', ['diff', dump, dump, '--level', 'host', '--format', 'json']],
    ['publish', ['publish', dump, '--analyzer', analyzer, '--scope', `bench-${hosts}`]],
    ['policy', ['policy', dump, '--out', policy]],
    ['check --policy --format json', ['check', '--policy', policy, dump, '--format', 'json']],
  ]
  try {
    for (const [name, args] of commands) {
      if (only && !only.has(name)) continue
      process.stderr.write(`${hosts} hosts: fm ${args.join(' ')}...\n`)
      const m = measure(args, out)
      // a report's output is its --out file
      const file = args[args.indexOf('--out') + 1]
      if (args[0] === 'report' && existsSync(file)) {
        m.outMB = statSync(file).size / 1e6
        rmSync(file, {force: true})
      }
      if (m.exit !== 0) process.stderr.write(m.stderr.slice(-2000))
      // publish's "connection refused" is the fake analyzer's crash: say why it crashed
      for (const why of fakes.takeDeaths()) process.stderr.write(`  ${why}\n`)
      rows.push({hosts, name, command: `fm ${args.map((a) => a.replace(root + '/', '')).join(' ')}`, seconds: m.seconds, cpuSeconds: m.cpuSeconds, rssMB: m.rssMB, exit: m.exit, outMB: m.outMB})
      process.stderr.write(`  ${m.seconds.toFixed(1)} s (CPU ${m.cpuSeconds.toFixed(1)} s), ${m.rssMB.toFixed(0)} MB peak RSS, exit ${m.exit}\n`)
    }
  } finally {
    fakes.stopAll()
    rmSync(base, {force: true})
    rmSync(baseHost, {force: true})
    rmSync(policy, {recursive: true, force: true})
  }
}

const line = (cells: (string | number)[]): string => `| ${cells.join(' | ')} |`
process.stdout.write(
  [
    line(['hosts', 'command', 'wall s', 'CPU s', 'peak RSS MB', 'exit', 'output MB']),
    line(['---:', '---', '---:', '---:', '---:', '---:', '---:']),
    ...rows.map((r) => line([r.hosts, r.name, r.seconds.toFixed(1), r.cpuSeconds.toFixed(1), r.rssMB.toFixed(0), r.exit, r.outMB.toFixed(1)])),
  ].join('\n') + '\n',
)
