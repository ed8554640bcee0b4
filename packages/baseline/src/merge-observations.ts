import type {CaptureInfo, MatrixEntry} from '@fm/model'
import type {Observation} from './types.js'

/** Merges observations (e.g. one per input) into one, renumbering capture ids 1..N in order. */
export function mergeObservations(list: Observation[]): Observation {
  const out: Observation = {captures: [], entries: []}
  for (const o of list) {
    const ids = appendCaptures(o.captures, out.captures)
    for (const e of o.entries) out.entries.push(renumberEntry(e, ids, o.captures))
  }
  return out
}

/**
 * Appends an observation's captures to `into`, their ids continuing `into`'s 1..N; returns the
 * old id → new id map for renumberEntry. Entries can then be merged as they stream.
 */
export function appendCaptures(captures: CaptureInfo[], into: CaptureInfo[]): Map<number, number> {
  const ids = new Map<number, number>()
  for (const c of captures) {
    ids.set(c.id, into.length + 1)
    into.push({...c, id: into.length + 1})
  }
  return ids
}

/** An entry of an observation with `captures`, its capture ids renumbered by `ids` (appendCaptures). */
export function renumberEntry(e: MatrixEntry, ids: Map<number, number>, captures: CaptureInfo[]): MatrixEntry {
  // older matrices without captureIds: assume the entry was seen in its first `seen` captures
  const seenIn = e.captureIds ?? captures.slice(0, e.seen).map((c) => c.id)
  const captureIds = seenIn.map((id) => ids.get(id) ?? id).sort((a, b) => a - b)
  return {...e, captureIds, seen: captureIds.length}
}
