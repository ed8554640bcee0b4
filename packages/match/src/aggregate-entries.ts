import {cmp, compareEntries, socketKey, type MatchedConnection, type MatchMethod, type MatrixEntry} from '@fm/model'


const METHOD_ORDER: MatchMethod[] = ['socket', 'listener', 'flow']

/**
 * Connections per capture of the entries seen in several captures (entries of one capture
 * have them all in `connections`): mergeFlowEntries adds flow connections capture by capture.
 */
export const perSnapshot = new WeakMap<MatrixEntry, Map<number, number>>()

/**
 * Folds matched connections into matrix entries (one per CSV row), counting connections,
 * methods and captures, keeping the first `evidenceLimit` proofs by key. Sorted by compareEntries.
 * Over several captures (snapshots), an entry's `connections` is the most seen in one of them,
 * so an unchanged deployment captured N times gives the counts of one capture (`seen` says in how many).
 */
export function aggregateEntries(rows: Iterable<MatchedConnection>, evidenceLimit = 10): MatrixEntry[] {
  return [...foldEntries(rows, evidenceLimit)].sort(compareEntries)
}

/**
 * The entries of `aggregateEntries` one at a time, in the order of the rows: with rows sorted
 * by the entry key (as the store's matrix query gives them), the entries come out sorted and
 * nothing but the current one is held.
 */
export function* foldEntries(rows: Iterable<MatchedConnection>, evidenceLimit = 10): Generator<MatrixEntry> {
  const lists = new Map<string, unknown[]>()
  const shared = <T>(list: T[]): T[] => {
    const k = list.join(',')
    const hit = lists.get(k) as T[] | undefined
    if (hit) return hit
    lists.set(k, list)
    return list
  }
  let cur: MatrixEntry | null = null
  let curKey = ''
  let methods = new Set<string>()
  /** Connections of the current entry per capture. */
  let captures = new Map<number, number>()
  const close = (): MatrixEntry | null => {
    if (!cur) return null
    // Most entries share the same few method and capture lists: keep one array of each.
    cur.methods = shared(METHOD_ORDER.filter((m) => methods.has(m)))
    cur.seen = captures.size
    cur.captureIds = shared([...captures.keys()].sort((a, b) => a - b))
    let most = 0
    for (const n of captures.values()) if (n > most) most = n
    cur.connections = most
    if (captures.size > 1) perSnapshot.set(cur, captures)
    cur.evidence.sort((a, b) => cmp(a.client, b.client) || cmp(a.server, b.server))
    return cur
  }
  for (const r of rows) {
    const key = `${r.protocol}\0${r.serverHost}\0${r.serverIp}\0${r.port}\0${r.serverProc}\0${r.serverName}\0${r.clientHost}\0${r.clientIp}\0${r.clientProc}\0${r.clientName}`
    if (key !== curKey || !cur) {
      const done = close()
      if (done) yield done
      curKey = key
      methods = new Set()
      captures = new Map()
      cur = emptyEntry(r)
    }
    methods.add(r.method)
    captures.set(r.captureId, (captures.get(r.captureId) ?? 0) + 1)
    if (evidenceLimit <= 0) continue
    const proof = {
      client: socketKey(r.clientHost, {protocol: r.protocol, localAddress: r.clientIp, localPort: r.clientPort, remoteAddress: r.serverIp, remotePort: r.port, pid: r.clientPid}),
      server: socketKey(r.serverHost, {protocol: r.protocol, localAddress: r.sLocalAddr, localPort: r.sLocalPort, remoteAddress: r.sRemoteAddr, remotePort: r.sRemotePort, pid: r.serverPid}),
      method: r.method as MatchMethod,
    }
    keepSmallest(cur.evidence, proof, evidenceLimit)
  }
  const last = close()
  if (last) yield last
}

/** A matrix entry with the row's key and nothing counted yet. */
export function emptyEntry(r: MatchedConnection): MatrixEntry {
  return {
    protocol: r.protocol,
    server: {host: r.serverHost, ip: r.serverIp, port: r.port, process: r.serverProc, name: r.serverName},
    client: {host: r.clientHost, ip: r.clientIp, process: r.clientProc, name: r.clientName},
    connections: 0,
    methods: [],
    seen: 0,
    evidence: [],
  }
}

/** Keeps `list` as the `limit` smallest proofs seen so far, so the result is independent of row order. */
function keepSmallest<T extends {client: string; server: string}>(list: T[], item: T, limit: number): void {
  if (limit <= 0) return
  if (list.length < limit) {
    list.push(item)
    return
  }
  let worst = 0
  for (let i = 1; i < list.length; i++) if (cmp(list[i].client, list[worst].client) > 0 || (list[i].client === list[worst].client && cmp(list[i].server, list[worst].server) > 0)) worst = i
  const w = list[worst]
  if (cmp(item.client, w.client) < 0 || (item.client === w.client && cmp(item.server, w.server) < 0)) list[worst] = item
}
