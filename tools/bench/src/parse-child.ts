// Measures the naive ceiling: read the whole file into one string, then JSON.parse it.
// Prints {readMs, parseMs, parseCpuMs, maxRss} or {error} (files above ~512 MB do not fit in one string).
import {readFileSync} from 'node:fs'

const file = process.argv[2]
const t0 = performance.now()
try {
  const text = readFileSync(file, 'utf8')
  const t1 = performance.now()
  const c1 = process.cpuUsage()
  JSON.parse(text)
  const c2 = process.cpuUsage(c1)
  const t2 = performance.now()
  process.stdout.write(JSON.stringify({readMs: t1 - t0, parseMs: t2 - t1, parseCpuMs: (c2.user + c2.system) / 1000, maxRss: process.resourceUsage().maxRSS * 1024}))
} catch (e) {
  process.stdout.write(JSON.stringify({error: (e as Error).message}))
}
