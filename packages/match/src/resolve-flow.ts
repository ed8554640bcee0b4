import {cmp, type FlowUnusedReason, type MatchMethod} from '@fm/model'

/** A host as flow matching needs it: a stable name and node id for deterministic picks. */
export interface FlowHost {
  hostId: number
  hostName: string
  hostNodeId: string
}

/** A non-listener socket holding one end of a flow: its local endpoint is that end. */
export interface FlowEndSocket extends FlowHost {
  socketId: number
  pid: number
  role: 'client' | 'server'
  /** The socket's host owns the end's address (interface metadata). */
  owner: boolean
  /** A client socket whose state the analysis counts (`--states`). */
  considered: boolean
  /** The server the socket matching gave this client socket, if any. */
  match: {serverId: number; serverHostId: number; method: Exclude<MatchMethod, 'flow'>} | null
}

/** A listener serving one end of a flow, on a host owning its address. */
export interface FlowListener extends FlowHost {
  socketId: number
}

/** One end of a flow (`A` or `B`) and what the capture knows about it. */
export interface FlowEndFacts {
  /** Loopback or link-local: the end lives on the capturing host (or its peer's host). */
  local: boolean
  sockets: FlowEndSocket[]
  /** Hosts owning the end's address. */
  owners: FlowHost[]
  /** Listeners serving the end, on its owners. */
  listeners: FlowListener[]
}

export interface FlowFacts {
  /** The host the flow was captured on (by its NodeTID), when known. */
  observerHostId: number | null
  a: FlowEndFacts
  b: FlowEndFacts
}

/** What a flow becomes: traffic on a matched connection, a connection of its own, or nothing. */
export type FlowDecision =
  | {kind: 'traffic'; clientEnd: 'a' | 'b'; clientId: number; clientHostId: number; serverId: number; serverHostId: number; method: Exclude<MatchMethod, 'flow'>}
  | {kind: 'edge'; clientEnd: 'a' | 'b'; clientId: number | null; clientHostId: number; serverId: number | null; serverHostId: number}
  | {kind: 'unused'; reason: FlowUnusedReason}

type End = 'a' | 'b'
const other = (e: End): End => (e === 'a' ? 'b' : 'a')

/** Deterministic preference: the capturing host, then the address owner, then host name, node id, pid. */
function byPreference<T extends FlowHost & {owner?: boolean; pid?: number}>(list: T[], observer: number | null): T[] {
  return [...list].sort(
    (x, y) =>
      Number(y.hostId === observer) - Number(x.hostId === observer) ||
      Number(y.owner ?? false) - Number(x.owner ?? false) ||
      cmp(x.hostName, y.hostName) ||
      cmp(x.hostNodeId, y.hostNodeId) ||
      (x.pid ?? 0) - (y.pid ?? 0),
  )
}

/** Limits a loopback/link-local end to one host: the capturing host, else the peer's host. */
function onHost<T extends FlowHost>(list: T[], end: FlowEndFacts, host: number | null): T[] {
  return end.local && host !== null ? list.filter((x) => x.hostId === host) : list
}

/**
 * Decides what one flow means (DESIGN rule 5). Sides come from the sockets at the flow's ends
 * (a server-side socket, else a client socket), else from a listener serving exactly one end on
 * a host owning its address; never from port numbers. A client socket that socket matching
 * paired gets the flow's traffic; otherwise the flow makes a connection of its own (method
 * `flow`) when both ends belong to captured hosts. The result depends only on the facts'
 * content, not their order.
 */
export function resolveFlow(f: FlowFacts): FlowDecision {
  const obs = f.observerHostId
  const ends = {a: f.a, b: f.b}
  const pick = (e: End, host: number | null): FlowEndSocket | null => byPreference(onHost(ends[e].sockets, ends[e], host ?? obs), obs)[0] ?? null
  // the first end's pick fixes the host of a loopback peer
  let sa = pick('a', null)
  let sb = pick('b', sa?.hostId ?? null)
  if (!sa && sb) sa = pick('a', sb.hostId)
  if (sa && sb && f.a.local && f.b.local && sa.hostId !== sb.hostId) sb = null

  let server: End | null = null
  const s = {a: sa, b: sb}
  if (sa?.role === 'server' && sb?.role !== 'server') server = 'a'
  else if (sb?.role === 'server' && sa?.role !== 'server') server = 'b'
  else if (sa?.role === 'client' && sb?.role !== 'client') server = 'b'
  else if (sb?.role === 'client' && sa?.role !== 'client') server = 'a'
  const listenerOf = (e: End): FlowListener | null => {
    const peerHost = s[other(e)]?.hostId ?? null
    return byPreference(onHost(ends[e].listeners, ends[e], obs ?? peerHost), obs)[0] ?? null
  }
  if (server === null) {
    const la = listenerOf('a')
    const lb = listenerOf('b')
    if (la && !lb) server = 'a'
    else if (lb && !la) server = 'b'
    else {
      const owned = (e: End): boolean => ends[e].owners.length > 0 || ends[e].local
      return {kind: 'unused', reason: owned('a') && owned('b') ? 'no-listener' : 'external'}
    }
  }
  const clientEnd = other(server)
  const client = s[clientEnd]?.role === 'client' ? s[clientEnd] : null
  const serverSocket = s[server]?.role === 'server' ? s[server] : null

  if (client) {
    if (!client.considered) return {kind: 'unused', reason: 'not-counted'}
    if (client.match) {
      return {kind: 'traffic', clientEnd, clientId: client.socketId, clientHostId: client.hostId, serverId: client.match.serverId, serverHostId: client.match.serverHostId, method: client.match.method}
    }
  }
  // The server: its socket, else a listener serving it, else the host owning its address.
  const sHost = serverSocket ?? listenerOf(server) ?? null
  const serverId = serverSocket?.socketId ?? (sHost as FlowListener | null)?.socketId ?? null
  let serverHostId = sHost?.hostId ?? null
  if (serverHostId === null) {
    const owner = byPreference(onHost(ends[server].owners, ends[server], obs ?? client?.hostId ?? null), obs)[0]
    if (!owner) return {kind: 'unused', reason: ends[server].local ? 'no-listener' : 'external'}
    serverHostId = owner.hostId
  }
  let clientHostId = client?.hostId ?? null
  if (clientHostId === null) {
    const owner = byPreference(onHost(ends[clientEnd].owners, ends[clientEnd], obs ?? serverHostId), obs)[0]
    if (owner) clientHostId = owner.hostId
    else if (ends[clientEnd].local) clientHostId = serverHostId
    else return {kind: 'unused', reason: 'external'}
  }
  return {kind: 'edge', clientEnd, clientId: client?.socketId ?? null, clientHostId, serverId, serverHostId}
}
