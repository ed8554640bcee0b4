import {cmp} from '@fm/model'

/** A server socket a client could be talking to. */
export interface Candidate {
  serverId: number
  /** The server's host owns the address the client connects to (interface metadata). */
  owner: boolean
  /** The server socket is on the client's own host. */
  sameHost: boolean
  hostName: string
  hostNodeId: string
  /** Stable socket key (see socketKey), the last tie-breaker. */
  key: string
}

export type Resolution = 'address-owner' | 'client-host' | 'first-by-name'

/**
 * Picks the server of a client among its candidates (DESIGN rule 3): the host that owns the
 * address, then the client's own host, then the first by host name and socket key. The pick
 * depends only on the candidates' content, never on their order.
 */
export function pickServer(candidates: readonly Candidate[]): {chosen: Candidate; resolvedBy: Resolution | null} {
  if (candidates.length === 0) throw new RangeError('pickServer needs at least one candidate')
  const sorted = [...candidates].sort(
    (a, b) => Number(b.owner) - Number(a.owner) || Number(b.sameHost) - Number(a.sameHost) || cmp(a.hostName, b.hostName) || cmp(a.hostNodeId, b.hostNodeId) || cmp(a.key, b.key),
  )
  const chosen = sorted[0]
  if (sorted.length === 1) return {chosen, resolvedBy: null}
  const second = sorted[1]
  const resolvedBy: Resolution = chosen.owner && !second.owner ? 'address-owner' : chosen.sameHost && !second.sameHost ? 'client-host' : 'first-by-name'
  return {chosen, resolvedBy}
}
