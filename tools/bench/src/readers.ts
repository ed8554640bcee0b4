// npm run bench:readers [-- --hosts 5000 --seed 1]
// The ways of reading a dump that issue 6 asked to compare, on the same generated deployment, each
// in its own child process (wall time, CPU time, peak RSS; records turned into objects):
//   scanner      fm's reader: byte-level scanner + JSON.parse per record (readJsonDump)
//   stream-json  stream-json's token parser, records assembled by pick + streamValues
//   jsonl-sj     the same records as JSON Lines, read with stream-json's jsonl parser
//   jsonl-split  the JSON Lines file split on newlines, JSON.parse per line
//   fm worker    fm's reading worker as fm analyze runs it (built: dist/read-worker.js): records
//                validated, canonicalised, classified and packed into batches, posted to this
//                thread, which only acknowledges them (records = batches' records)
//   JSON.parse   the whole file as one string (the ceiling; fails above ~512 MB)
import {spawnSync} from 'node:child_process'
import {closeSync, existsSync, openSync, readFileSync, statSync, writeSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {writeDeployment} from '@fm/gen'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = resolve(here, '../../..')
const {values} = parseArgs({options: {hosts: {type: 'string', default: '5000'}, seed: {type: 'string', default: '1'}, child: {type: 'string'}, file: {type: 'string'}}})

if (values.child) {
  await child(values.child, values.file!)
} else {
  const hosts = Number(values.hosts)
  const dir = join(root, 'bench-data', `h${hosts}-s${values.seed}`)
  if (!existsSync(join(dir, 'truth.json'))) writeDeployment({hosts, seed: Number(values.seed)}, dir)
  const dump = join(dir, 'dump.json')
  const jsonl = join(dir, 'dump.jsonl')
  if (!existsSync(jsonl)) toJsonLines(dump, jsonl)
  const rows: string[] = []
  for (const [mode, file] of [['JSON.parse', dump], ['scanner', dump], ['fm worker', dump], ['stream-json', dump], ['jsonl-sj', jsonl], ['jsonl-split', jsonl]] as const) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', mode, '--file', file], {cwd: root, encoding: 'utf8', maxBuffer: 1 << 24})
    if (r.status !== 0) throw new Error(`${mode}: ${r.stderr}`)
    const m = JSON.parse(r.stdout) as {ms: number; cpuMs: number; records: number; maxRss: number}
    const mb = statSync(file).size / 1e6
    rows.push(`| ${mode} | ${mb.toFixed(1)} | ${m.records} | ${(m.ms / 1000).toFixed(2)} | ${(mb / (m.ms / 1000)).toFixed(1)} (${(mb / (m.cpuMs / 1000)).toFixed(1)}) | ${(m.maxRss / 1e6).toFixed(0)} |`)
  }
  process.stdout.write(['| reader | file MB | records | s | MB/s wall (CPU) | peak RSS MB |', '|---|---:|---:|---:|---:|---:|', ...rows].join('\n') + '\n')
}

/** The G dump's nodes and edges, one element per line (the top-level-array shape fm also reads). */
function toJsonLines(dump: string, out: string): void {
  const g = (JSON.parse(readFileSync(dump, 'utf8')) as {Nodes: unknown[]; Edges: unknown[]}[])[0]
  const fd = openSync(out, 'w')
  try {
    for (const list of [g.Nodes, g.Edges]) for (const x of list) writeSync(fd, JSON.stringify(x) + '\n')
  } finally {
    closeSync(fd)
  }
}

async function child(mode: string, file: string): Promise<void> {
  const {elementToRecord, readJsonDump} = await import('@fm/ingest')
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  let records = 0
  const keep = (v: unknown): void => {
    if (elementToRecord(v, '$')) records++
  }
  if (mode === 'JSON.parse') {
    const g = (JSON.parse(readFileSync(file, 'utf8')) as {Nodes: unknown[]; Edges: unknown[]}[])[0]
    for (const x of [...g.Nodes, ...g.Edges]) keep(x)
  } else if (mode === 'scanner') {
    for await (const r of readJsonDump(file)) if (r) records++
  } else if (mode === 'fm worker') {
    const {Worker} = await import('node:worker_threads')
    const worker = new Worker(new URL('../../../packages/analyze/dist/read-worker.js', import.meta.url), {workerData: {file}})
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (m: {type: string; batch?: {records: unknown[]}; error?: unknown}) => {
        if (m.type === 'batch') {
          records += m.batch!.records.length
          worker.postMessage({type: 'ack'})
        } else if (m.type === 'done') resolve()
        else reject(new Error(JSON.stringify(m.error)))
      })
      worker.on('error', reject)
    })
    await worker.terminate()
  } else if (mode === 'stream-json') {
    const {default: chain} = await import('stream-chain')
    const {parser} = await import('stream-json')
    const {pick} = await import('stream-json/filters/pick.js')
    const {streamValues} = await import('stream-json/streamers/stream-values.js')
    const {createReadStream} = await import('node:fs')
    const pipeline = chain([createReadStream(file), parser(), pick({filter: /^\d+\.(Nodes|Edges)\.\d+$/}), streamValues()])
    for await (const {value} of pipeline as AsyncIterable<{value: unknown}>) keep(value)
  } else if (mode === 'jsonl-sj') {
    const {default: chain} = await import('stream-chain')
    const {parser} = await import('stream-json/jsonl/parser.js')
    const {createReadStream} = await import('node:fs')
    const pipeline = chain([createReadStream(file), parser()])
    for await (const {value} of pipeline as AsyncIterable<{value: unknown}>) keep(value)
  } else if (mode === 'jsonl-split') {
    const {createReadStream} = await import('node:fs')
    let rest = ''
    for await (const chunk of createReadStream(file, {encoding: 'utf8', highWaterMark: 1 << 20})) {
      const text = rest + (chunk as string)
      let start = 0
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        if (nl > start) keep(JSON.parse(text.slice(start, nl)))
        start = nl + 1
      }
      rest = text.slice(start)
    }
    if (rest.trim()) keep(JSON.parse(rest))
  }
  const c = process.cpuUsage(c0)
  process.stdout.write(JSON.stringify({ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, records, maxRss: process.resourceUsage().maxRSS * 1024}))
}
