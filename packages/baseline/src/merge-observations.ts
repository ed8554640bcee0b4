import type {Observation} from './types.js'

/** Merges observations (e.g. one per input) into one, renumbering capture ids 1..N in order. */
export function mergeObservations(list: Observation[]): Observation {
  const out: Observation = {captures: [], entries: []}
  for (const o of list) {
    const ids = new Map<number, number>()
    for (const c of o.captures) {
      ids.set(c.id, out.captures.length + 1)
      out.captures.push({...c, id: out.captures.length + 1})
    }
    for (const e of o.entries) {
      // older matrices without captureIds: assume the entry was seen in its first `seen` captures
      const seenIn = e.captureIds ?? o.captures.slice(0, e.seen).map((c) => c.id)
      const captureIds = seenIn.map((id) => ids.get(id) ?? id).sort((a, b) => a - b)
      out.entries.push({...e, captureIds, seen: captureIds.length})
    }
  }
  return out
}
