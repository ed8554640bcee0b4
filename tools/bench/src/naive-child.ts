// Measures the naive baseline (naive-join.ts) in its own process: reading, JSON.parse, the Map
// join and writing its CSV, timed from the first byte read to the file written (Node's start-up
// excluded, which fm's figure includes). Prints {ms, cpuMs, maxRss, rows} or {error} (a file
// above ~512 MB does not fit in one string).
import {naiveJoin} from './naive-join.js'

const [dump, csv] = process.argv.slice(2)
const t0 = performance.now()
const c0 = process.cpuUsage()
try {
  const rows = naiveJoin(dump, csv)
  const c = process.cpuUsage(c0)
  process.stdout.write(JSON.stringify({ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, maxRss: process.resourceUsage().maxRSS * 1024, rows}))
} catch (e) {
  process.stdout.write(JSON.stringify({error: (e as Error).message}))
}
