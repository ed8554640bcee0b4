import type {Matrix} from '@fm/model'
import type {ReportData, ReportLimits} from './report-data.js'
import {reportAggregator} from './report-aggregator.js'

/** The report's aggregate of a matrix already in memory (tests, benchmarks): streams it through `reportAggregator`. */
export function aggregateMatrix(m: Matrix, limits: Partial<ReportLimits> = {}): ReportData {
  const agg = reportAggregator(limits)
  const {entries, unmatched, ambiguities, ...head} = m
  agg.onHead(head)
  for (const e of entries) agg.onEntry(e)
  for (const u of unmatched) agg.onUnmatched(u)
  for (const a of ambiguities) agg.onAmbiguity(a)
  return agg.result()
}
