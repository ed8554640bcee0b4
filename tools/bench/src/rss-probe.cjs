// Preloaded into a measured process (`node -r rss-probe.cjs ...`): on exit, writes its peak RSS
// in bytes to the file named by FM_BENCH_RSS_FILE, so the bench measures the real fm binary.
'use strict'
const file = process.env.FM_BENCH_RSS_FILE
if (file) {
  process.on('exit', () => {
    require('node:fs').writeFileSync(file, String(process.resourceUsage().maxRSS * 1024))
  })
}
