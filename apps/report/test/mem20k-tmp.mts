import {analyze} from '@fm/analyze'
import {reportAggregator, reportHtml} from '@fm/report'
const maxHosts = Number(process.argv[2])
const agg = reportAggregator({maxHosts})
await analyze({inputs: ['/work/wt/i13c/bench-data/h20000-s1/dump.json'], evidenceLimit: 0, lists: false, onHead: agg.onHead, onEntry: agg.onEntry, onUnmatched: agg.onUnmatched, onAmbiguity: agg.onAmbiguity})
const afterAnalyze = process.resourceUsage().maxRSS
const html = await reportHtml(agg.result())
console.log(JSON.stringify({maxHosts, afterAnalyzeMB: Math.round(afterAnalyze / 1e3), peakMB: Math.round(process.resourceUsage().maxRSS / 1e3), htmlMB: Math.round(html.length / 1e6)}))
