import {addressFamily, type DumpRecord, type Socket} from '@fm/model'
import type {Pseudonymizer} from './pseudonymizer.js'

/** The files of a redacted snapshot, in load order; `host-sockets` holds a `Sockets()` map (role `hosts`: readers tell by content). */
export const OUTPUT_FILES = ['hosts', 'host-sockets', 'netns', 'interfaces', 'ownership', 'flows'] as const
export type OutputFile = (typeof OUTPUT_FILES)[number]

/** One redacted record: the file it goes to and its JSON text (for `host-sockets`, a `"key": [...]` member). */
export interface RedactedRecord {
  file: OutputFile
  text: string
}

const socket = (s: Socket, p: Pseudonymizer): Record<string, unknown> => ({
  LocalAddress: p.address(s.localAddress),
  LocalPort: s.localPort,
  RemoteAddress: p.address(s.remoteAddress),
  RemotePort: s.remotePort,
  Protocol: p.protocol(s.protocol),
  State: p.state(s.state),
  Process: p.path(s.process),
  Pid: s.pid,
  Name: p.processName(s.name),
})

/**
 * Rewrites one record read from a dump as the Skydive JSON fm reads back into the same record,
 * every identifying value pseudonymised. Only what matching reads is written: whatever else
 * the original node carried (metadata, MACs, CPU models, ...) is left out.
 */
export function redactRecord(r: DumpRecord, p: Pseudonymizer): RedactedRecord {
  switch (r.kind) {
    case 'host': {
      const meta: Record<string, unknown> = {Type: 'host'}
      if (r.hostname !== null) meta.Hostname = p.host(r.hostname)
      if (r.sockets !== null) meta.Sockets = r.sockets.map((s) => socket(s, p))
      if (r.tid) meta.TID = p.id(r.tid)
      // the reader names a host by its Host field first: writing it keeps the name whatever it came from
      return {file: 'hosts', text: JSON.stringify({ID: p.id(r.nodeId), Host: p.host(r.name), Metadata: meta})}
    }
    case 'sockets':
      return {file: 'host-sockets', text: `${JSON.stringify(p.id(r.ownerId))}:${JSON.stringify(r.sockets.map((s) => socket(s, p)))}`}
    case 'netns': {
      const meta: Record<string, unknown> = {Type: 'netns', Name: p.netnsName(r.name)}
      if (r.tid) meta.TID = p.id(r.tid)
      return {file: 'netns', text: JSON.stringify({ID: p.id(r.nodeId), Host: p.host(r.agent), Metadata: meta})}
    }
    case 'interface': {
      const cidr = (a: {address: string; prefix: number | null}): string => p.address(a.address) + (a.prefix === null ? '' : `/${a.prefix}`)
      const meta: Record<string, unknown> = {
        Type: p.interfaceType(r.type),
        Name: p.interfaceName(r.name),
        // the reader drops what is no address; a redacted address keeps its family
        IPV4: r.addresses.filter((a) => addressFamily(a.address) === 4).map(cidr),
        IPV6: r.addresses.filter((a) => addressFamily(a.address) === 6).map(cidr),
      }
      if (r.tid) meta.TID = p.id(r.tid)
      return {file: 'interfaces', text: JSON.stringify({ID: p.id(r.nodeId), Host: p.host(r.agent), Metadata: meta})}
    }
    case 'ownership':
      return {file: 'ownership', text: JSON.stringify({Parent: p.id(r.parent), Child: p.id(r.child), Metadata: {RelationType: 'ownership'}})}
    case 'flow': {
      const flow: Record<string, unknown> = {
        UUID: p.id(r.uuid),
        Network: {A: p.address(r.a.address), B: p.address(r.b.address)},
        Transport: {Protocol: p.protocol(r.protocol), A: r.a.port, B: r.b.port},
        Metric: {ABBytes: r.abBytes, BABytes: r.baBytes, ABPackets: r.abPackets, BAPackets: r.baPackets},
        Start: r.start,
        Last: r.last,
      }
      if (r.nodeTid !== null) flow.NodeTID = p.id(r.nodeTid)
      return {file: 'flows', text: JSON.stringify(flow)}
    }
  }
}
