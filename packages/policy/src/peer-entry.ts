import type {MatrixEntry, ServedPeer} from '@fm/model'

/**
 * A served peer as the matrix entry it would be had its client been captured: client host ''
 * (no captured host), process unknown, no match method. What the baseline, the rules and
 * `fm check --policy` evaluate it as.
 */
export function peerEntry(p: ServedPeer): MatrixEntry {
  return {
    protocol: p.protocol,
    server: p.server,
    client: {host: '', ip: p.peerIp, process: '', name: ''},
    connections: p.connections,
    methods: [],
    seen: p.captureIds.length,
    captureIds: p.captureIds,
    evidence: [],
  }
}
