// Times the HTML report for a large deployment and its load in Chromium.
// Usage: npx tsx apps/report/bench/report-bench.ts [--hosts 5000] [--seed 7] [--matrix matrix.json] [--out bench-data/report.html]
// --matrix takes `fm analyze --format json` output (e.g. of a tools/gen deployment); otherwise a seeded synthetic matrix.
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname, resolve} from 'node:path'
import {pathToFileURL} from 'node:url'
import {parseArgs} from 'node:util'
import type {Matrix} from '@fm/model'
import {aggregateMatrix, reportHtml} from '../src/index.js'
import {launchChromium, watch} from '../test/helpers/chromium.js'
import {syntheticMatrix} from '@fm/test-helpers'

const {values} = parseArgs({options: {hosts: {type: 'string', default: '5000'}, seed: {type: 'string', default: '7'}, matrix: {type: 'string'}, out: {type: 'string', default: 'bench-data/report-bench/report.html'}}})

const t0 = performance.now()
const m: Matrix = values.matrix ? JSON.parse(readFileSync(values.matrix, 'utf8')) : syntheticMatrix({hosts: Number(values.hosts), seed: Number(values.seed)})
const t1 = performance.now()
const html = await reportHtml(aggregateMatrix(m))
const t2 = performance.now()
const out = resolve(values.out!)
mkdirSync(dirname(out), {recursive: true})
writeFileSync(out, html)

const browser = await launchChromium()
const page = await browser.newPage({viewport: {width: 1280, height: 900}})
const log = watch(page)
const t3 = performance.now()
await page.goto(pathToFileURL(out).href, {waitUntil: 'load'})
const t4 = performance.now()
const cells = await page.locator('svg.fm-matrix rect.cell').count()
await browser.close()

const mb = (n: number): string => (n / 1024 / 1024).toFixed(2)
console.log(JSON.stringify({
  source: values.matrix ?? `synthetic --hosts ${values.hosts} --seed ${values.seed}`,
  hosts: m.stats.hosts,
  entries: m.entries.length,
  unmatched: m.unmatched.length,
  loadMatrixMs: Math.round(t1 - t0),
  reportMs: Math.round(t2 - t1),
  htmlMiB: mb(Buffer.byteLength(html)),
  chromiumLoadMs: Math.round(t4 - t3),
  matrixCells: cells,
  requests: log.requests.length,
  consoleErrors: log.consoleErrors.length,
  heapMiB: mb(process.memoryUsage().heapUsed),
}, null, 1))
