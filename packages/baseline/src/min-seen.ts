import {UsageError} from '@fm/model'

/** `--min-seen`: a number of snapshots (`2`), or a share of them (`0.5`, `50%`). */
export type MinSeen = {count: number} | {fraction: number}

/** Parses `--min-seen`; throws UsageError for anything else. */
export function parseMinSeen(text: string): MinSeen {
  const t = text.trim()
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(t)
  if (pct && Number(pct[1]) > 0 && Number(pct[1]) <= 100) return {fraction: Number(pct[1]) / 100}
  if (/^\d+$/.test(t) && Number(t) >= 1) return {count: Number(t)}
  if (/^0?\.\d+$/.test(t) && Number(t) > 0) return {fraction: Number(t)}
  throw new UsageError(`\`minSeen\` must be a number of snapshots (1, 2, ...) or a share of them (0.5 or 50%), got ${JSON.stringify(text)}`)
}

/** The number of snapshots an edge must be seen in, out of `snapshots`: at least 1, at most all of them. */
export function resolveMinSeen(m: MinSeen, snapshots: number): number {
  const k = 'count' in m ? m.count : Math.ceil(m.fraction * snapshots - 1e-9)
  return Math.max(1, Math.min(k, Math.max(1, snapshots)))
}
