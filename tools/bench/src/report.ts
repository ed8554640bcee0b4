// npm run bench:report [-- --sizes 5000,20000 --seed 1 --data bench-data --formats html,svg,dot,render --out DIR]
// For each size: generates the deployment (once, cached in the data folder), runs the built
// `fm analyze --format csv` as the baseline of the same run, then the built `fm report` in each
// format, and prints wall time, CPU time and peak RSS of each, and the output's size and SHA-256
// (the HTML footer's timestamp left out), so two builds can be compared byte for byte:
// run it on each with --out A and --out B, then `cmp -s`.  Needs a build (the script builds first).
import {createHash} from 'node:crypto'
import {mkdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {cpus, totalmem} from 'node:os'
import {join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {benchDeployment} from './deployment.js'
import {runFm} from './run-fm.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = resolve(here, '../../..')
const {values} = parseArgs({
  options: {
    sizes: {type: 'string', default: process.env.BENCH_SIZES ?? '5000,20000'},
    seed: {type: 'string', default: '1'},
    data: {type: 'string', default: join(root, 'bench-data')},
    formats: {type: 'string', default: 'html,svg,dot,render'},
    out: {type: 'string'},
  },
})
const sizes = values.sizes.split(',').map((s) => Number(s.trim().replace(/k$/i, '000')))
const seed = Number(values.seed)
const formats = values.formats.split(',').map((f) => f.trim())

interface Run {
  hosts: number
  dumpMB: number
  command: string
  wallS: number
  cpuS: number
  rssMB: number
  outKB: number
  sha256: string
}

function fm(args: string[], probeFile: string): {wallS: number; cpuS: number; rssMB: number} {
  const r = runFm(args, {probeFile})
  return {wallS: r.s, cpuS: r.cpuS, rssMB: r.rssMB}
}

function digest(file: string): string {
  const bytes = readFileSync(file)
  // the footer says when the page was written: the one part that differs between runs
  const text = file.endsWith('.html') ? Buffer.from(bytes.toString('utf8').replace(/Written by fm report at [0-9T:-]+Z/, 'Written by fm report')) : bytes
  return createHash('sha256').update(text).digest('hex')
}

const runs: Run[] = []
for (const hosts of sizes) {
  const dir = benchDeployment(values.data, hosts, seed)
  const dump = join(dir, 'dump.json')
  const dumpMB = statSync(dump).size / 1e6
  const outDir = resolve(values.out ?? join(values.data, 'report-bench'), `h${hosts}-s${seed}`)
  mkdirSync(outDir, {recursive: true})
  const probe = join(outDir, 'probe.json')
  const cases: {command: string; file: string; args: string[]}[] = [
    {command: 'analyze --format csv (baseline)', file: 'fm.csv', args: ['analyze', dump, '--output']},
    ...formats.map((f) => ({command: `report --format ${f}`, file: `report.${f === 'render' ? 'render.svg' : f}`, args: ['report', dump, '--format', f, '--out']})),
  ]
  for (const c of cases) {
    const file = join(outDir, c.file)
    rmSync(file, {force: true})
    process.stderr.write(`${hosts} hosts: fm ${c.command}...\n`)
    const r = fm([...c.args, file], probe)
    runs.push({hosts, dumpMB, command: c.command, ...r, outKB: statSync(file).size / 1024, sha256: digest(file)})
  }
  rmSync(probe, {force: true})
}

const f = (n: number, d = 1): string => n.toFixed(d)
const lines = [
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; seed ${seed}`,
  '',
  '| hosts | dump MB | fm … | wall s | CPU s | peak RSS MB | RSS / analyze csv | output KiB | SHA-256 (first 12) |',
  '|---:|---:|---|---:|---:|---:|---:|---:|---|',
  ...runs.map((r) => {
    const base = runs.find((b) => b.hosts === r.hosts && b.command.startsWith('analyze'))!
    return `| ${r.hosts} | ${f(r.dumpMB)} | ${r.command} | ${f(r.wallS, 2)} | ${f(r.cpuS, 2)} | ${f(r.rssMB, 0)} | ${f(r.rssMB / base.rssMB, 2)} | ${f(r.outKB)} | ${r.sha256.slice(0, 12)} |`
  }),
]
process.stdout.write(lines.join('\n') + '\n')
writeFileSync(join(values.data, `report-results-s${seed}.json`), JSON.stringify(runs, null, 2) + '\n')
