// Aggregates a stream of synthetic entries for the report in a process whose heap the caller
// caps (node --max-old-space-size): `hold` also keeps every entry, as a report built from a
// whole in-memory matrix would. Imports the aggregator alone (no jsdom), so the heap holds
// little but what the aggregate keeps. Prints {entries, shown, held, kept} as JSON.
// Usage: node --max-old-space-size=32 --import tsx stream-report-child.ts ENTRIES [hold]
import type {MatrixEntry} from '@fm/model'
import {reportAggregator} from '../../src/report-aggregator.js'
import {syntheticEntries, syntheticHead} from '@fm/test-helpers'

const entries = Number(process.argv[2])
const hold = process.argv[3] === 'hold'
const agg = reportAggregator()
agg.onHead(syntheticHead(200))
const kept: MatrixEntry[] = []
for (const e of syntheticEntries({entries})) {
  agg.onEntry(e)
  if (hold) kept.push(e)
}
const data = agg.result()
process.stdout.write(JSON.stringify({entries: data.entries, shown: data.topEntries.length, held: agg.heldItems(), kept: kept.length, heapMB: Math.round(process.memoryUsage().heapUsed / 1e6)}) + '\n')
