// Times the phases of one analyze() call through its progress callback: ingest (read, load,
// index, classify) until the first match event, then matching and the CSV until done. It asks
// for what `fm analyze -o FILE` (CSV) asks: entries streamed, no proofs, no lists.
import {analyze} from '@fm/analyze'
import {csvHeader, csvRow} from '@fm/render'

const file = process.argv[2]
const t0 = performance.now()
let matchAt = 0
let records = 0
let csvBytes = csvHeader({wide: false}).length
const m = await analyze({
  inputs: [file],
  lists: false,
  evidenceLimit: 0,
  onEntry: (e) => (csvBytes += csvRow(e, {wide: false}).length),
  onProgress: (p) => {
    if (p.phase === 'read') records = p.records
    else if (p.phase === 'match' && !matchAt) matchAt = performance.now()
  },
})
const t1 = performance.now()
process.stdout.write(JSON.stringify({ingestMs: matchAt - t0, matchMs: t1 - matchAt, totalMs: t1 - t0, records, sockets: m.stats.sockets, csvBytes}))
