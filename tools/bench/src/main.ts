// npm run bench [-- --sizes 1000,5000,20000 --seed 1 --rounds 1 --data bench-data]   (or BENCH_SIZES=1000,5000)
// For each size: generates the deployment (once, cached in the data folder), times plain JSON.parse
// of the dump and the naive JSON.parse + Map join (naive-join.ts), runs the built `fm analyze` for
// wall time and peak RSS, times analyze()'s phases, and scores both CSVs against the ground
// truth. With --rounds N the three timed runs are repeated N times, interleaved (JSON.parse, naive,
// fm, then again), and each figure is the median of its N; the ratios are the medians of each
// round's own ratio, and their range is printed. Needs a build (`npm run bench` builds first).
import {spawnSync} from 'node:child_process'
import {readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {cpus, totalmem} from 'node:os'
import {join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {benchDeployment} from './deployment.js'
import {runFm} from './run-fm.js'
import {scoreCsv} from './score.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = resolve(here, '../../..')
const {values} = parseArgs({
  options: {
    sizes: {type: 'string', default: process.env.BENCH_SIZES ?? '1000,5000,20000'},
    seed: {type: 'string', default: '1'},
    data: {type: 'string', default: join(root, 'bench-data')},
    rounds: {type: 'string', default: '1'},
  },
})
const sizes = values.sizes.split(',').map((s) => Number(s.trim().replace(/k$/i, '000')))
const seed = Number(values.seed)
const rounds = Number(values.rounds)
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds takes a whole number of at least 1, not ${JSON.stringify(values.rounds)}`)

interface Result {
  hosts: number
  dumpMB: number
  sockets: number
  parseMBps: number | null
  parseCpuMBps: number | null
  parseRssMB: number | null
  analyzeS: number
  analyzeCpuS: number
  analyzeMBps: number
  analyzeCpuMBps: number
  ratio: number | null
  cpuRatio: number | null
  rssMB: number
  ingestMBps: number
  ingestS: number
  matchS: number
  precision: number
  recall: number
  /** The naive JSON.parse + Map join; null where the file does not fit in one string. */
  naive: {s: number; cpuS: number; rssMB: number; precision: number; recall: number; speed: number; cpuSpeed: number} | null
  /** Each round's ratios (fm ÷ JSON.parse, wall and CPU; naive ÷ fm, wall and CPU), with --rounds. */
  perRound: {ratio: number | null; cpuRatio: number | null; naiveSpeed: number | null; naiveCpuSpeed: number | null}[]
}

function node(args: string[], env: NodeJS.ProcessEnv = {}): {stdout: string; ms: number} {
  const t = performance.now()
  const r = spawnSync(process.execPath, args, {cwd: root, env: {...process.env, ...env}, encoding: 'utf8', maxBuffer: 64 << 20})
  const ms = performance.now() - t
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`)
  return {stdout: r.stdout, ms}
}

/** The middle value (the mean of the two middle ones for an even count). */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** The median of one figure over the rounds, or null when a round lacks it (a file too large for one string). */
function medianOf<T>(items: T[], get: (item: T) => number | null | undefined): number | null {
  const xs = items.map(get)
  return xs.some((x) => x === null || x === undefined) ? null : median(xs as number[])
}

const tsx = ['--import', 'tsx']
const results: Result[] = []
for (const hosts of sizes) {
  const dir = benchDeployment(values.data, hosts, seed)
  const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as {sockets: number}
  const truthCsv = readFileSync(join(dir, 'matrix.csv'), 'utf8')
  const dump = join(dir, 'dump.json')
  const bytes = statSync(dump).size
  const mb = bytes / 1e6
  const parses: {parseMs?: number; parseCpuMs?: number; maxRss?: number; error?: string}[] = []
  const naives: {ms?: number; cpuMs?: number; maxRss?: number; error?: string}[] = []
  const runs: ReturnType<typeof runFm>[] = []
  let naiveScore: ReturnType<typeof scoreCsv> | null = null
  let score: ReturnType<typeof scoreCsv> | null = null
  for (let round = 1; round <= rounds; round++) {
    const of = rounds > 1 ? ` (round ${round} of ${rounds})` : ''
    process.stderr.write(`${hosts} hosts, ${mb.toFixed(1)} MB: JSON.parse${of}...\n`)
    parses.push(JSON.parse(node([...tsx, join(here, 'parse-child.ts'), dump]).stdout) as (typeof parses)[number])

    process.stderr.write(`${hosts} hosts: naive JSON.parse + Map join${of}...\n`)
    const naiveOut = join(dir, 'naive.csv')
    rmSync(naiveOut, {force: true})
    const naive = JSON.parse(node([...tsx, join(here, 'naive-child.ts'), dump, naiveOut]).stdout) as (typeof naives)[number]
    naives.push(naive)
    // both outputs are the same every round: scored once
    if (round === rounds) naiveScore = naive.error ? null : scoreCsv(readFileSync(naiveOut, 'utf8'), truthCsv)
    rmSync(naiveOut, {force: true})

    process.stderr.write(`${hosts} hosts: fm analyze${of}...\n`)
    const out = join(dir, 'fm.csv')
    rmSync(out, {force: true})
    runs.push(runFm(['analyze', dump, '--output', out], {probeFile: join(dir, 'probe.json')}))
    if (round === rounds) score = scoreCsv(readFileSync(out, 'utf8'), truthCsv)
  }

  process.stderr.write(`${hosts} hosts: phases...\n`)
  const phases = JSON.parse(node([...tsx, join(here, 'phases-child.ts'), dump]).stdout) as {ingestMs: number; matchMs: number}

  const parseMs = medianOf(parses, (p) => p.parseMs || null)
  const parseCpuMs = medianOf(parses, (p) => p.parseCpuMs || null)
  const parseRss = medianOf(parses, (p) => p.maxRss || null)
  const naiveOk = naives.every((n) => !n.error) && naiveScore !== null
  const runS = median(runs.map((r) => r.s))
  const runCpuS = median(runs.map((r) => r.cpuS))
  const perRound = runs.map((r, i) => ({
    ratio: parses[i].parseMs ? parses[i].parseMs! / 1000 / r.s : null,
    cpuRatio: parses[i].parseCpuMs ? parses[i].parseCpuMs! / 1000 / r.cpuS : null,
    naiveSpeed: naiveOk ? naives[i].ms! / 1000 / r.s : null,
    naiveCpuSpeed: naiveOk ? naives[i].cpuMs! / 1000 / r.cpuS : null,
  }))
  results.push({
    hosts, dumpMB: mb, sockets: truth.sockets,
    parseMBps: parseMs ? mb / (parseMs / 1000) : null, parseCpuMBps: parseCpuMs ? mb / (parseCpuMs / 1000) : null,
    parseRssMB: parseRss === null ? null : parseRss / 1e6,
    analyzeS: runS, analyzeCpuS: runCpuS, analyzeMBps: mb / runS, analyzeCpuMBps: mb / runCpuS,
    ratio: medianOf(perRound, (p) => p.ratio), cpuRatio: medianOf(perRound, (p) => p.cpuRatio), rssMB: median(runs.map((r) => r.rssMB)),
    ingestMBps: mb / (phases.ingestMs / 1000), ingestS: phases.ingestMs / 1000, matchS: phases.matchMs / 1000,
    precision: score!.precision, recall: score!.recall,
    naive: naiveOk
      ? {
          s: medianOf(naives, (n) => n.ms)! / 1000, cpuS: medianOf(naives, (n) => n.cpuMs)! / 1000, rssMB: medianOf(naives, (n) => n.maxRss)! / 1e6,
          precision: naiveScore!.precision, recall: naiveScore!.recall,
          speed: medianOf(perRound, (p) => p.naiveSpeed)!, cpuSpeed: medianOf(perRound, (p) => p.naiveCpuSpeed)!,
        }
      : null,
    perRound,
  })
}

const f = (n: number | null, d = 1): string => (n === null ? 'n/a' : n.toFixed(d))
const lines = [
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; seed ${seed}`,
  '',
  'Wall-clock figures (s, MB/s) and, in brackets, CPU-time figures (user + system): the latter hold on a busy machine.',
  '',
  '| hosts | dump MB | sockets | JSON.parse MB/s | JSON.parse RSS MB | fm analyze s | fm analyze MB/s | ratio | peak RSS MB | ingest MB/s | ingest s | match s | precision | recall |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...results.map((r) =>
    `| ${r.hosts} | ${f(r.dumpMB)} | ${r.sockets} | ${f(r.parseMBps)} (${f(r.parseCpuMBps)}) | ${f(r.parseRssMB, 0)} | ${f(r.analyzeS, 2)} (${f(r.analyzeCpuS, 2)}) | ${f(r.analyzeMBps)} (${f(r.analyzeCpuMBps)}) | ${f(r.ratio, 2)} (${f(r.cpuRatio, 2)}) | ${f(r.rssMB, 0)} | ${f(r.ingestMBps)} | ${f(r.ingestS, 2)} | ${f(r.matchS, 2)} | ${f(r.precision * 100, 2)}% | ${f(r.recall * 100, 2)}% |`,
  ),
]
const pct = (n: number): string => `${f(n * 100, 2)}%`
lines.push(
  '',
  'Against the naive baseline (JSON.parse of the whole file + a Map keyed by the mirror tuple, naive-join.ts; its time excludes Node\'s start-up, fm\'s includes it). Speed ratio: naive time ÷ fm time (above 1: fm is faster); RSS ratio: fm ÷ naive.',
  '',
  '| hosts | fm analyze s | naive s | speed fm/naive | fm RSS MB | naive RSS MB | RSS fm/naive | fm precision / recall | naive precision / recall |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...results.map((r) => {
    const n = r.naive
    if (!n) return `| ${r.hosts} | ${f(r.analyzeS, 2)} (${f(r.analyzeCpuS, 2)}) | cannot (string too long) | – | ${f(r.rssMB, 0)} | – | – | ${pct(r.precision)} / ${pct(r.recall)} | – |`
    return `| ${r.hosts} | ${f(r.analyzeS, 2)} (${f(r.analyzeCpuS, 2)}) | ${f(n.s, 2)} (${f(n.cpuS, 2)}) | ${f(n.speed, 2)} (${f(n.cpuSpeed, 2)}) | ${f(r.rssMB, 0)} | ${f(n.rssMB, 0)} | ${f(r.rssMB / n.rssMB, 2)} | ${pct(r.precision)} / ${pct(r.recall)} | ${pct(n.precision)} / ${pct(n.recall)} |`
  }),
)
for (let i = 1; i < results.length; i++) {
  const a = results[i - 1]
  const b = results[i]
  lines.push('', `${b.hosts / a.hosts}× hosts (${a.hosts} → ${b.hosts}) costs ${f(b.analyzeS / a.analyzeS, 2)}× the time (${f(b.analyzeCpuS / a.analyzeCpuS, 2)}× the CPU time)`)
}
if (rounds > 1) {
  const range = (xs: (number | null)[]): string => (xs.some((x) => x === null) ? 'n/a' : `${f(Math.min(...(xs as number[])), 2)}–${f(Math.max(...(xs as number[])), 2)}`)
  lines.push('', `${rounds} rounds, interleaved; every figure above is the median of its rounds, each ratio the median of the rounds' own ratios. Their ranges:`, '')
  lines.push('| hosts | ratio to JSON.parse, wall (CPU) | speed fm/naive, wall (CPU) |', '|---:|---:|---:|')
  for (const r of results) {
    const p = r.perRound
    lines.push(`| ${r.hosts} | ${range(p.map((x) => x.ratio))} (${range(p.map((x) => x.cpuRatio))}) | ${range(p.map((x) => x.naiveSpeed))} (${range(p.map((x) => x.naiveCpuSpeed))}) |`)
  }
}
process.stdout.write(lines.join('\n') + '\n')
writeFileSync(join(values.data, `results-s${seed}.json`), JSON.stringify(results, null, 2) + '\n')
