import {fileURLToPath} from 'node:url'
import {JSDOM} from 'jsdom'
import {analyze} from '@fm/analyze'
import type {Matrix} from '@fm/model'
import {reportAggregator, type ReportData, type ReportLimits} from '@fm/report'

export const REPO = fileURLToPath(new URL('../../../../', import.meta.url))
export const fixture = (p: string): string => `${REPO}fixtures/${p}`

const cache = new Map<string, Promise<Matrix>>()
/** The matrix of a committed dump (analyzed once per test file). */
export function matrixOf(dump: string): Promise<Matrix> {
  let m = cache.get(dump)
  if (!m) cache.set(dump, (m = analyze({inputs: [fixture(dump)]})))
  return m
}

/** The report's aggregate of a committed dump, streamed from analyze as `fm report` does. */
export function reportOf(dump: string, limits: Partial<ReportLimits> = {}): Promise<ReportData> {
  const key = JSON.stringify([dump, limits])
  let r = reports.get(key)
  if (!r) {
    const agg = reportAggregator(limits)
    r = analyze({inputs: [fixture(dump)], evidenceLimit: 0, lists: false, onHead: agg.onHead, onEntry: agg.onEntry, onUnmatched: agg.onUnmatched, onAmbiguity: agg.onAmbiguity}).then(() => agg.result())
    reports.set(key, r)
  }
  return r
}
const reports = new Map<string, Promise<ReportData>>()

/** A fresh document, as the report writer would create. */
export function newDocument(): Document {
  return new JSDOM('<!DOCTYPE html><html><body></body></html>').window.document
}

/** Serialises an element as XML with one tag per line, so golden diffs are readable. */
export function goldenSvg(el: Element): string {
  const xml = new (el.ownerDocument.defaultView!.XMLSerializer)().serializeToString(el)
  return xml.replace(/></g, '>\n<') + '\n'
}
