// Preloaded into a measured process (`node -r rss-probe.cjs ...`): on exit, writes its peak RSS
// (bytes) and CPU time (user + system, ms) as JSON to the file named by FM_BENCH_PROBE_FILE,
// so the bench measures the real fm binary. CPU time matters on a shared machine: wall time
// there depends on what else runs.
'use strict'
const file = process.env.FM_BENCH_PROBE_FILE
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage()
    require('node:fs').writeFileSync(file, JSON.stringify({maxRss: u.maxRSS * 1024, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000}))
  })
}
