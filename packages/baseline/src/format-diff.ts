import {edgeLabel} from './group-edges.js'
import {printable} from '@fm/model'
import {mdText} from './escape.js'
import type {DiffReport, Edge, EdgeChange} from './types.js'

export type DiffFormat = 'table' | 'markdown' | 'json'

const FIELD: Record<EdgeChange['field'], string> = {
  connections: 'connections',
  ports: 'ports',
  serverPaths: 'server path',
  clientPaths: 'client path',
  serverIps: 'server address',
  clientIps: 'client address',
}

function about(e: Edge): string {
  return `${e.connections} connection${e.connections === 1 ? '' : 's'}, seen in ${e.captureIds.length} snapshot${e.captureIds.length === 1 ? '' : 's'}`
}

function changeText(c: EdgeChange): string {
  return `${FIELD[c.field]} ${c.before} → ${c.after}`
}

function summary(d: DiffReport): string {
  return `${d.added.length} new, ${d.removed.length} gone, ${d.changed.length} changed, ${d.unchanged} unchanged (${d.level} level${d.countsCompared ? '' : '; connection counts not compared: a plain matrix CSV has none'})`
}

/** Renders a diff report: `+` new, `-` gone, `~` changed edges, then a count line. */
export function formatDiff(d: DiffReport, format: DiffFormat): string {
  if (format === 'json') return JSON.stringify(d, null, 2) + '\n'
  if (format === 'markdown') {
    const out = [`### fm diff: ${d.different ? mdText(summary(d)) : 'no change'}`, '']
    if (d.different) {
      out.push('| | Edge | Details |', '| --- | --- | --- |')
      for (const e of d.added) out.push(`| new | ${mdText(edgeLabel(e))} | ${mdText(about(e))} |`)
      for (const e of d.removed) out.push(`| gone | ${mdText(edgeLabel(e))} | ${mdText(about(e))} |`)
      for (const c of d.changed) out.push(`| changed | ${mdText(edgeLabel(c.after))} | ${mdText(c.changes.map(changeText).join('; '))} |`)
    }
    return out.join('\n') + '\n'
  }
  const out: string[] = []
  for (const e of d.added) out.push(`+ ${printable(edgeLabel(e))}  (${about(e)})`)
  for (const e of d.removed) out.push(`- ${printable(edgeLabel(e))}  (${about(e)})`)
  for (const c of d.changed) out.push(`~ ${printable(edgeLabel(c.after))}  ${printable(c.changes.map(changeText).join('; '))}`)
  out.push(summary(d))
  return out.join('\n') + '\n'
}
