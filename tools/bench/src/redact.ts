// npm run bench:redact [-- --hosts 20000 --seed 1 --data bench-data]
// Generates the deployment (cached in the data folder, shared with `npm run bench`), then runs the
// built `fm analyze` (the baseline, in the same run) and `fm redact` (with and without --map) on
// its dump, each with its peak RSS and CPU time, and checks that the redacted capture analyses
// to as many matrix rows as the dump. Needs a build (`npm run bench:redact` builds first).
import {spawnSync} from 'node:child_process'
import {readFileSync, rmSync, statSync} from 'node:fs'
import {cpus, totalmem} from 'node:os'
import {join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {benchDeployment} from './deployment.js'
import {runFm, type FmRun} from './run-fm.js'

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

const fm = (args: string[]): FmRun => runFm(args, {probeFile: join(dir, 'redact-probe.json')})

const out = join(dir, 'redacted')
const key = join(dir, 'redact.key')
const map = join(dir, 'redact-map.csv')
const csv = join(dir, 'redact-original.csv')
const redactedCsv = join(dir, 'redact-redacted.csv')
const clean = (): void => [out, map, csv, redactedCsv].forEach((f) => rmSync(f, {recursive: true, force: true}))
clean()
process.stderr.write(`${hosts} hosts, ${mb.toFixed(1)} MB: fm analyze (baseline)...\n`)
const analyze = fm(['analyze', dump, '--output', csv])
process.stderr.write('fm redact...\n')
const redact = fm(['redact', dump, '--key', key, '--out', out])
rmSync(out, {recursive: true, force: true})
process.stderr.write('fm redact --map...\n')
const redactMap = fm(['redact', dump, '--key', key, '--out', out, '--map', map])
const outMB = Number(spawnSync('du', ['-sb', out], {encoding: 'utf8'}).stdout.split('\t')[0]) / 1e6
process.stderr.write('fm analyze of the redacted capture...\n')
fm(['analyze', out, '--output', redactedCsv])
const rows = (f: string): number => readFileSync(f, 'utf8').split('\r\n').length
const same = rows(csv) === rows(redactedCsv)

const line = (name: string, r: {s: number; cpuS: number; rssMB: number}): string =>
  `| ${name} | ${r.s.toFixed(1)} | ${r.cpuS.toFixed(1)} | ${(mb / r.cpuS).toFixed(1)} | ${r.rssMB.toFixed(0)} |`
console.log([
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  `dump: ${hosts} hosts (seed ${seed}), ${mb.toFixed(1)} MB; redacted capture ${outMB.toFixed(1)} MB; matrix rows ${same ? 'equal' : 'DIFFER'} (${rows(csv) - 2})`,
  '',
  '| run | wall s | CPU s | MB/s (CPU) | peak RSS MB |',
  '|---|---:|---:|---:|---:|',
  line('fm analyze (baseline)', analyze),
  line('fm redact', redact),
  line('fm redact --map', redactMap),
  '',
  `redact / analyze CPU time: ${(redact.cpuS / analyze.cpuS).toFixed(2)}; with --map ${(redactMap.cpuS / analyze.cpuS).toFixed(2)}`,
].join('\n'))
clean()
if (!same) process.exitCode = 1
