// Times the phases of one analyze() call through its progress callback: ingest (read, load,
// index, classify) until the first match event, then matching until done, then the CSV.
import {analyze} from '@fm/analyze'
import {matrixToCsv} from '@fm/render'

const file = process.argv[2]
const t0 = performance.now()
let matchAt = 0
let doneAt = 0
let records = 0
const m = await analyze({
  inputs: [file],
  onProgress: (p) => {
    if (p.phase === 'read') records = p.records
    else if (p.phase === 'match' && !matchAt) matchAt = performance.now()
    else if (p.phase === 'done') doneAt = performance.now()
  },
})
const csv = matrixToCsv(m)
const t1 = performance.now()
process.stdout.write(JSON.stringify({ingestMs: matchAt - t0, matchMs: doneAt - matchAt, csvMs: t1 - doneAt, totalMs: t1 - t0, records, sockets: m.stats.sockets, csvBytes: csv.length}))
