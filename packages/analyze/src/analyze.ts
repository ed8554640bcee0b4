import {randomBytes} from 'node:crypto'
import {rmSync, renameSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {asOutputError, cmp, InputError, InterruptedError, type Ambiguity, type CaptureInfo, type Matrix, type MatrixEntry, type HostListening, type MatrixHead, type ServedPeer, type UnmatchedReason, type UnmatchedSocket} from '@fm/model'
import {inputName, readCapture, sniffDump, STDIN, type ReadProgress} from '@fm/ingest'
import {checkFileTarget, copyFmDatabase, Store, type CandidateRow, type MatchRow} from '@fm/store'
import {foldEntries, mergeFlowStream, pickServer, type Candidate} from '@fm/match'
import {emptyFlowStats, matchFlows} from './match-flows.js'
import {readPacked} from './read-packed.js'

export type Progress =
  | ({phase: 'read'} & ReadProgress)
  | {phase: 'match'; capture: number; captures: number}
  | {phase: 'done'}

export interface AnalyzeOptions {
  /** Dump files, fm capture folders, or fm databases. */
  inputs: string[]
  /** Keep the database at this path (written under a temporary name, renamed at the end). */
  db?: string
  /**
   * Client socket states that count as connections; 'any' takes every non-listener socket.
   * Left out: ESTABLISHED, except 'any' for a capture taken with a time context (`--at`), as the original counted.
   */
  states?: string[] | 'any'
  /** Also match flows: their 5-tuples join sockets, reveal connections sockets miss, and give traffic (DESIGN rule 5). */
  useFlows?: boolean
  /** Proofs kept per matrix entry (the database keeps all). */
  evidenceLimit?: number
  /**
   * Build the lists of unmatched sockets and ambiguities (default true). Off, the matrix keeps
   * their counts only: CSV, dot and table output need no more, and a large deployment has
   * hundreds of thousands of them.
   */
  lists?: boolean
  /**
   * Hands the entries over one at a time, in matrix order, instead of returning them (the
   * result's `entries` is then empty): memory stays flat however large the matrix, with flows
   * too (both streams come sorted from the store and merge one entry at a time).
   */
  onEntry?: (e: MatrixEntry) => void
  /**
   * Picks the entries of the matrix (filters, groups): given each entry in matrix order, returns
   * the entry to keep (possibly renamed) or null to leave it out. Applied here, once, to streamed
   * and returned entries alike; the head's counts stay those of the whole deployment.
   */
  select?: (e: MatrixEntry) => MatrixEntry | null
  /** Called once matching is done, before any entry: everything of the matrix but its lists. */
  onHead?: (head: MatrixHead) => void
  /** Hands the unmatched client sockets over one at a time, in order, instead of returning them (whatever `lists`). */
  onUnmatched?: (u: UnmatchedSocket) => void
  /** Hands the ambiguities over one at a time, in order, instead of returning them (whatever `lists`). */
  onAmbiguity?: (a: Ambiguity) => void
  /** Hands over each host's own addresses and listeners (by host name, over every capture), after matching. */
  onHostListening?: (h: HostListening) => void
  /**
   * Hands over, after the entries, each peer of a server-side socket no client was matched to
   * (by server host, then key): connections a host served to addresses no captured client holds.
   */
  onServedPeer?: (p: ServedPeer) => void
  /** Rows read per page while picking servers and folding flows (tests make it tiny to cross page edges). */
  candidatePageSize?: number
  onProgress?: (p: Progress) => void
  /**
   * Parse dumps in a worker thread while this one inserts (default: when the package is built;
   * false reads inline, true fails when the worker script is missing).
   */
  readInWorker?: boolean
  /**
   * Stops the analysis (InterruptedError) at the next step: between batches while loading, between
   * statements and pages while matching. Nothing is left at `db` or in the temporary folder.
   */
  signal?: AbortSignal
  /**
   * Backpressure for streamed items: after each one handed to onEntry, onUnmatched, onAmbiguity
   * or onHostListening, a promise returned here is awaited (an output to a slow pipe resolves it
   * once drained), so what is written never piles up in memory. Undefined: go on.
   */
  ready?: () => Promise<void> | undefined
}

export const DEFAULT_STATES = ['ESTABLISHED']

/**
 * Streams every input into a SQLite store, matches sockets per capture and returns the matrix.
 * Nothing is left at `db` unless the whole analysis succeeded.
 */
export async function analyze(opts: AnalyzeOptions): Promise<Matrix> {
  const states = opts.states
  if (opts.inputs.filter((f) => f === STDIN).length > 1) throw new InputError(inputName(STDIN), 'given more than once: it can be read only once')
  const kinds = await Promise.all(opts.inputs.map(async (file) => ({file, kind: await sniffDump(file)})))
  const fromDb = kinds.filter((k) => k.kind === 'sqlite')
  if (fromDb.length > 0 && (kinds.length > 1 || opts.db)) {
    throw new InputError(fromDb[0].file, 'an fm database is read alone: pass it as the only input, without `db`')
  }
  if (fromDb.length === 1) return matrixFromDatabase(fromDb[0].file, states, opts)

  if (opts.db !== undefined) checkFileTarget(opts.db)
  const target = opts.db ?? join(tmpdir(), `fm-${process.pid}-${randomBytes(4).toString('hex')}.db`)
  const temp = `${target}.tmp-${process.pid}`
  rmSync(temp, {force: true})
  const store = written(target, () => new Store(temp, {bulk: true}), () => rmSync(temp, {force: true}))
  const onProgress = (p: ReadProgress): void => opts.onProgress?.({phase: 'read', ...p})
  let ok = false
  try {
    for (const {file, kind} of kinds) {
      if (kind === 'capture') {
        // every checksum is verified before anything is loaded; one store capture per snapshot
        const cap = await readCapture(file)
        for (const snap of cap.snapshots) {
          const id = store.addCapture({source: file, format: 'fm-capture', label: snap.label, timeContext: snap.timeContext, startedAt: snap.startedAt, endedAt: snap.endedAt, manifest: cap.manifest})
          for (const part of snap.files) await store.loadPacked(id, untilAborted(readPacked(part, {worker: opts.readInWorker, onProgress}), opts.signal), part)
          await pause(opts.signal)
          store.finishLoad(id)
        }
        continue
      }
      const id = store.addCapture({source: inputName(file), format: 'skydive-json', label: null, timeContext: null, startedAt: null, endedAt: null})
      await store.loadPacked(id, untilAborted(readPacked(file, {worker: opts.readInWorker, onProgress}), opts.signal), inputName(file))
      await pause(opts.signal)
      store.finishLoad(id)
    }
    const matrix = await matchAll(store, states, opts)
    ok = true
    return matrix
  } catch (e) {
    throw asOutputError(target, e)
  } finally {
    // closing a database on a full disk can fail too: the temporary file goes all the same
    let closeError: unknown
    try {
      store.close()
    } catch (e) {
      closeError = e
    }
    if (ok && opts.db && closeError === undefined) written(target, () => renameSync(temp, target), () => rmSync(temp, {force: true}))
    else rmSync(temp, {force: true})
    // eslint-disable-next-line no-unsafe-finally -- a database that could not be closed is not written
    if (ok && closeError !== undefined) throw asOutputError(target, closeError)
  }
}

/** Runs file work for `target`; a system or SQLite error becomes an OutputError naming it (after `cleanup`). */
function written<T>(target: string, work: () => T, cleanup?: () => void): T {
  try {
    return work()
  } catch (e) {
    cleanup?.()
    throw asOutputError(target, e)
  }
}

/** Matches an fm database again, on a private copy: an input is never written. */
async function matrixFromDatabase(file: string, states: string[] | 'any' | undefined, opts: AnalyzeOptions): Promise<Matrix> {
  const temp = join(tmpdir(), `fm-${process.pid}-${randomBytes(4).toString('hex')}.db`)
  try {
    await copyFmDatabase(file, temp)
    const store = new Store(temp, {bulk: true})
    try {
      store.clearResults()
      return await matchAll(store, states, opts)
    } finally {
      store.close()
    }
  } finally {
    rmSync(temp, {force: true})
  }
}

/** Matches every capture of the store and reads the matrix back. */
async function matchAll(store: Store, given: string[] | 'any' | undefined, opts: AnalyzeOptions): Promise<Matrix> {
  const signal = opts.signal
  const flowStore = store.flows()
  flowStore.attachFlowOnlyCaptures()
  flowStore.clearAll()
  const flowStats = opts.useFlows ? emptyFlowStats() : undefined
  const captures = store.captures()
  const states = given ?? capturesStates(captures)
  for (const [i, c] of captures.entries()) {
    opts.onProgress?.({phase: 'match', capture: i + 1, captures: captures.length})
    const capStates = given ?? (c.timeContext ? 'any' : DEFAULT_STATES)
    await pause(signal)
    store.findCandidates(c.id, capStates)
    await resolveCandidates(store, opts.candidatePageSize, signal)
    await pause(signal)
    if (flowStats) matchFlows(flowStore, c.id, capStates, flowStats, opts.candidatePageSize)
  }
  await pause(signal)
  // The head (counts) is known before any entry, so a writer can stream the whole matrix.
  // Several snapshots of one deployment count each host, socket and client once (README, Snapshots)
  const snap = captures.length > 1 ? store.snapshotCounts() : null
  const reasons: Record<UnmatchedReason, number> = {external: 0, 'no-listener': 0, 'host-without-sockets': 0, ...(snap ? snap.unmatched : store.unmatchedReasons())}
  const counts = snap ? {hosts: snap.hosts, hostsWithoutSockets: snap.hostsWithoutSockets, sockets: snap.sockets, listeners: snap.listeners, serverSide: snap.serverSide, clientSide: snap.clientSide} : store.counts()
  const matched = {socket: 0, listener: 0, flow: 0}
  for (const [method, n] of Object.entries(snap ? snap.matched : store.matchesByMethod())) matched[method as keyof typeof matched] = n
  if (flowStats) matched.flow += flowStats.flowConnections
  const head: MatrixHead = {
    schemaVersion: 1,
    states: states === 'any' ? ['any'] : [...states],
    captures,
    stats: {
      captures: captures.length,
      ...counts,
      clientsConsidered: matched.socket + matched.listener + matched.flow + reasons.external + reasons['no-listener'] + reasons['host-without-sockets'],
      matched,
      unmatched: reasons,
      ambiguities: snap ? snap.ambiguities : store.ambiguityCount(),
      ...(flowStats ? {flows: flowStats} : {}),
    },
    hostsWithoutSockets: [...new Set(store.hostsWithoutSockets())].sort(cmp),
  }
  opts.onHead?.(head)

  let entries: MatrixEntry[] = []
  // The store orders rows by the entry key in code-point order, which is compareEntries' order:
  // entries fold (and flows merge in) one at a time, in matrix order.
  const limit = opts.evidenceLimit ?? 10
  const folded = foldEntries(shareStrings(store.matrixRows()), limit)
  const all = flowStats ? mergeFlowStream(folded, shareStrings(flowStore.matrixRows()), limit) : folded
  await each(selected(all, opts.select), opts.onEntry ?? ((e) => entries.push(e)), signal, opts.ready)
  if (opts.onHostListening) await each(readHostListening(store), opts.onHostListening, signal, opts.ready)
  if (opts.onServedPeer) await each(readServedPeers(store, given), opts.onServedPeer, signal, opts.ready)
  await pause(signal)
  // Both lists come out of the store already in order (by socket key): streamed, or kept.
  const lists = opts.lists ?? true
  const unmatched: UnmatchedSocket[] = []
  if (lists || opts.onUnmatched) await each(readUnmatched(store), opts.onUnmatched ?? ((u) => unmatched.push(u)), signal, opts.ready)
  const ambiguities: Ambiguity[] = []
  if (lists || opts.onAmbiguity) await each(readAmbiguities(store), opts.onAmbiguity ?? ((a) => ambiguities.push(a)), signal, opts.ready)
  await pause(signal)
  opts.onProgress?.({phase: 'done'})
  return {...head, entries, unmatched, ambiguities}
}

/** Streams the candidate rows (grouped by client), picks a server for each, writes matches in batches. */
async function resolveCandidates(store: Store, pageSize = CANDIDATE_PAGE, signal?: AbortSignal): Promise<void> {
  const pick = (group: CandidateRow[]): MatchRow => {
    const cands: (Candidate & {method: string})[] = group.map((r) => ({
      serverId: r.serverId,
      owner: r.owner === 1,
      sameHost: r.sameHost === 1,
      hostName: r.hostName,
      hostNodeId: r.hostNodeId,
      // the store reads the key only where it can decide: between sockets of one host
      key: r.key ?? '',
      method: r.method,
    }))
    const {chosen, resolvedBy} = pickServer(cands)
    return {clientId: group[0].clientId, serverId: chosen.serverId, method: (chosen as Candidate & {method: string}).method, candidates: cands.map((c) => c.serverId), resolvedBy}
  }
  // A page at a time, so the matches of a large capture are never all held at once
  // (better-sqlite3 forbids writing while a read iterates, so each page is read whole).
  let after = -1
  let limit = pageSize
  for (;;) {
    const rows = store.candidateRows(after, limit)
    if (rows.length === 0) return
    let end = rows.length
    if (rows.length === limit) {
      // the page may end inside the last client's candidates: leave that client to the next page
      while (end > 0 && rows[end - 1].clientId === rows[rows.length - 1].clientId) end--
      if (end === 0) {
        limit *= 2 // one client has more candidates than a page holds
        continue
      }
    }
    const out: MatchRow[] = []
    let start = 0
    for (let i = 1; i <= end; i++) {
      if (i === end || rows[i].clientId !== rows[start].clientId) {
        out.push(pick(rows.slice(start, i)))
        start = i
      }
    }
    store.writeMatches(out)
    await pause(signal)
    after = rows[end - 1].clientId
    limit = pageSize
  }
}

const CANDIDATE_PAGE = 10_000
/** Items streamed between two looks at the signal. */
const PAUSE_EVERY = 20_000

/**
 * Lets the event loop run (a Ctrl-C handler is a callback on it, and matching is otherwise one
 * long synchronous stretch), then stops if the signal was raised.
 */
async function pause(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return
  await new Promise<void>((resolve) => setImmediate(resolve))
  if (signal.aborted) throw new InterruptedError()
}

/** Hands the items to `take`, letting the signal in every PAUSE_EVERY items, and waiting whenever `ready` says so. */
async function each<T>(items: Iterable<T>, take: (item: T) => void, signal: AbortSignal | undefined, ready?: () => Promise<void> | undefined): Promise<void> {
  let n = 0
  for (const item of items) {
    take(item)
    const wait = ready?.()
    if (wait) {
      await wait
      if (signal?.aborted) throw new InterruptedError()
    }
    if (++n % PAUSE_EVERY === 0) await pause(signal)
  }
}

/** The entries `select` keeps, as it returns them (all of them without a select). */
function* selected(entries: Iterable<MatrixEntry>, select: AnalyzeOptions['select']): Generator<MatrixEntry> {
  if (!select) return yield* entries
  for (const e of entries) {
    const kept = select(e)
    if (kept) yield kept
  }
}

/** The batches, stopping at the first one after the signal was raised. */
async function* untilAborted<T>(batches: AsyncIterable<T>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  for await (const b of batches) {
    if (signal?.aborted) throw new InterruptedError()
    yield b
  }
}

/**
 * Rows with their repeated texts (host names, addresses, process paths) shared: SQLite hands out
 * a fresh string per row and field, and the entries keep them, so a large matrix would hold
 * millions of copies of the same few thousand strings.
 */
function* shareStrings<T extends object>(rows: Iterable<T>): Generator<T> {
  const pool = new Map<string, string>()
  for (const row of rows) {
    const r = row as Record<string, unknown>
    for (const k in r) {
      const v = r[k]
      if (typeof v !== 'string') continue
      const shared = pool.get(v)
      if (shared === undefined) pool.set(v, v)
      else r[k] = shared
    }
    yield row
  }
}

/** The unmatched client sockets, in the store's order. */
function* readUnmatched(store: Store): Generator<UnmatchedSocket> {
  for (const {host, reason, key, ...socket} of store.unmatchedRows()) yield {host, socket, key, reason: reason as UnmatchedReason}
}

/** The served peers, one per peer over every capture (its rows come contiguous, by key then capture). */
function* readServedPeers(store: Store, states: string[] | 'any' | undefined): Generator<ServedPeer> {
  let current: ServedPeer | null = null
  let key = ''
  for (const r of store.servedPeerRows(states, DEFAULT_STATES)) {
    const k = JSON.stringify([r.host, r.protocol, r.serverIp, r.port, r.process, r.name, r.peerIp])
    if (current && k === key) {
      current.captureIds.push(r.captureId)
      current.connections = Math.max(current.connections, r.connections)
      continue
    }
    if (current) yield current
    key = k
    current = {protocol: r.protocol, server: {host: r.host, ip: r.serverIp, port: r.port, process: r.process, name: r.name}, peerIp: r.peerIp, connections: r.connections, captureIds: [r.captureId]}
  }
  if (current) yield current
}

/** Per host name, its addresses and listeners, from the store's rows (sorted by host). */
function* readHostListening(store: Store): Generator<HostListening> {
  let current: HostListening | null = null
  for (const r of store.hostListeningRows()) {
    if (current === null || current.host !== r.host) {
      if (current !== null) yield current
      current = {host: r.host, addresses: [], listeners: []}
    }
    if (r.kind === 'address') current.addresses.push(r.address)
    else current.listeners.push({protocol: r.protocol, address: r.address, port: r.port, process: r.process, name: r.name})
  }
  if (current) yield current
}

/** The ambiguities, one per client, from the store's rows (one per candidate, in order). */
function* readAmbiguities(store: Store): Generator<Ambiguity> {
  let current: (Ambiguity & {id: number}) | null = null
  for (const r of store.ambiguityRows()) {
    if (current && current.id === r.clientId) {
      current.candidates.push(r.candidate)
      continue
    }
    if (current) yield withoutId(current)
    current = {id: r.clientId, client: r.client, candidates: [r.candidate], chosen: r.chosen, resolvedBy: r.resolvedBy as Ambiguity['resolvedBy']}
  }
  if (current) yield withoutId(current)
}

function withoutId({id: _, ...a}: Ambiguity & {id: number}): Ambiguity {
  return a
}

/** The states a run without --states used: ESTABLISHED, 'any' for captures with a time context, or both listed. */
function capturesStates(captures: CaptureInfo[]): string[] | 'any' {
  const timed = captures.filter((c) => c.timeContext).length
  if (timed === 0) return DEFAULT_STATES
  if (timed === captures.length) return 'any'
  return [...DEFAULT_STATES, 'any (captures with a time context)']
}
