// npm run bench:select [-- --hosts 20000 --seed 1 --data bench-data]
// Generates the deployment (cached in the data folder, shared with `npm run bench`), then runs the
// built `fm analyze` on its dump: the whole CSV (the baseline, in the same run), `--host`,
// `--server`, and `--groups FILE --by group`, each with its peak RSS and CPU time, and checks the
// selections against the generator's ground truth (matrix.csv). Needs a build.
import {readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {cpus} from 'node:os'
import {join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {benchDeployment} from './deployment.js'
import {runFm} from './run-fm.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = resolve(here, '../../..')
const {values} = parseArgs({
  options: {
    hosts: {type: 'string', default: '20000'},
    seed: {type: 'string', default: '1'},
    data: {type: 'string', default: join(root, 'bench-data')},
  },
})
const hosts = Number(values.hosts.replace(/k$/i, '000'))
const seed = Number(values.seed)
const dir = benchDeployment(values.data, hosts, seed)
const dump = join(dir, 'dump.json')
const mb = statSync(dump).size / 1e6

/** Runs the built fm with the RSS probe: wall seconds, CPU seconds, peak RSS in MB, stdout lines. */
function fm(args: string[]): {s: number; cpuS: number; rssMB: number; lines: string[]} {
  const out = join(dir, 'select-out.txt')
  const r = runFm([...args, '--output', out], {probeFile: join(dir, 'select-probe.json')})
  const lines = readFileSync(out, 'utf8').split('\r\n').filter(Boolean)
  rmSync(out, {force: true})
  return {s: r.s, cpuS: r.cpuS, rssMB: r.rssMB, lines}
}

const truth = readFileSync(join(dir, 'matrix.csv'), 'utf8').split('\r\n').filter(Boolean).slice(1)
const field = (line: string, i: number): string => line.split(',')[i]
const host = 'cmp-00017'
const groups = join(dir, 'select-groups.yaml')
writeFileSync(groups, 'version: 1\nhosts:\n  - {group: controllers, host: "ctrl-*"}\n  - {group: computes, host: "cmp-*"}\nservices:\n  - {service: rabbitmq, process: "*/beam.smp"}\n  - {service: nova, name: "nova-*"}\n')
const runs: [string, string[], number | null][] = [
  ['`fm analyze` (baseline: the whole CSV)', [], truth.length],
  [`\`--host ${host}\``, ['--host', host], truth.filter((l) => field(l, 1) === host || field(l, 6) === host).length],
  ['`--server mysqld`', ['--server', 'mysqld'], truth.filter((l) => field(l, 5) === 'mysqld').length],
  ['`--groups FILE --by group`', ['--groups', groups, '--by', 'group'], null],
]
const rows: string[] = []
for (const [label, args, want] of runs) {
  process.stderr.write(`${hosts} hosts, ${mb.toFixed(1)} MB: fm analyze ${args.join(' ')}...\n`)
  const r = fm(['analyze', dump, ...args])
  const got = r.lines.length - 1
  if (want !== null && got !== want) throw new Error(`${label}: ${got} rows, the truth has ${want}`)
  rows.push(`| ${label} | ${r.s.toFixed(1)} | ${r.cpuS.toFixed(1)} | ${Math.round(r.rssMB)} MB | ${got.toLocaleString('en-US')} rows${want !== null ? ' (= truth)' : ''} |`)
}
rmSync(groups, {force: true})
process.stdout.write(`${hosts.toLocaleString('en-US')} hosts, ${mb.toFixed(0)} MB (seed ${seed}), ${cpus().length} cores\n\n| run | wall s | CPU s | peak RSS | output |\n|---|---:|---:|---:|---|\n${rows.join('\n')}\n`)
