import {mkdir} from 'node:fs/promises'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {InterruptedError, UsageError} from '@fm/model'
import {
  CAPTURE_FORMAT, CAPTURE_VERSION,
  type CaptureManifest, type CaptureResponse, type CaptureSnapshot, type ResponseRole,
} from '@fm/ingest'
import {CaptureFolderWriter, sumCounts, written} from './capture-folder.js'
import {AnalyzerClient, type ConnectionOptions} from './client.js'
import {captureQueries, timeContext, type QueryOptions} from './queries.js'
import {RecordCounter} from './record-counter.js'

export type CaptureProgress =
  | {phase: 'connect'; analyzer: string}
  | {phase: 'query'; snapshot: number; snapshots: number; query: number; queries: number; role: ResponseRole; gremlin: string; bytes: number; done: boolean}
  | {phase: 'retry'; attempt: number; reason: string; delayMs: number}
  | {phase: 'wait'; snapshot: number; snapshots: number; seconds: number}
  /** Sent just before each snapshot's first query; `lateSeconds` > 0 when the previous snapshot ran past this one's start time. */
  | {phase: 'snapshot'; snapshot: number; snapshots: number; lateSeconds: number}

export interface CaptureOptions extends ConnectionOptions, QueryOptions {
  /** The capture folder to create; it must not exist yet. */
  out: string
  /** Snapshots to take (default 1). */
  count?: number
  /** Seconds between the starts of two snapshots (needed when count > 1). */
  everySeconds?: number
  /** fm's version, recorded in the manifest. */
  toolVersion: string
  onProgress?: (p: CaptureProgress) => void
}

export type CaptureResult = CaptureManifest & {path: string}

/**
 * Captures what offline matching needs from a live analyzer into a new folder: the raw
 * responses exactly as received, and a manifest (queries, sizes, SHA-256, counts). The folder
 * is built under a hidden temporary name and renamed at the end, so a failed or interrupted
 * capture never leaves anything that looks complete.
 */
export async function capture(opts: CaptureOptions): Promise<CaptureResult> {
  const count = opts.count ?? 1
  if (!Number.isInteger(count) || count < 1) throw new UsageError('`count` must be a positive whole number')
  if (count > 1 && !opts.everySeconds) throw new UsageError('`count` above 1 needs `everySeconds` (the interval between snapshots)')
  const ctx = timeContext(opts.at, opts.duration)
  const queries = captureQueries(opts)
  const folder = await CaptureFolderWriter.create(opts.out)
  const temp = folder.temp
  let done = false
  try {
    const startedAt = new Date()
    const client = await AnalyzerClient.connect({...opts, onRetry: (r) => opts.onProgress?.({phase: 'retry', ...r})})
    opts.onProgress?.({phase: 'connect', analyzer: client.endpoint.url})
    const snapshots: CaptureSnapshot[] = []
    try {
      for (let i = 0; i < count; i++) {
        const due = startedAt.getTime() + i * (opts.everySeconds ?? 0) * 1000
        if (i > 0) await waitUntil(due, opts, i + 1, count)
        opts.onProgress?.({phase: 'snapshot', snapshot: i + 1, snapshots: count, lateSeconds: Math.max(0, Math.floor((Date.now() - due) / 1000))})
        snapshots.push(await written(opts.out, () => takeSnapshot(client, temp, `snapshot-${i + 1}`, queries, (p) => opts.onProgress?.({...p, snapshot: i + 1, snapshots: count}))))
      }
    } finally {
      client.close()
    }
    const manifest: CaptureManifest = {
      format: CAPTURE_FORMAT,
      version: CAPTURE_VERSION,
      tool: {name: 'fm', version: opts.toolVersion},
      analyzer: client.endpoint.url,
      authenticated: client.authenticated,
      timeContext: ctx ? {at: opts.at!, duration: opts.duration ?? null, gremlin: ctx} : null,
      options: {full: !!opts.full, useFlows: !!opts.useFlows, everySeconds: opts.everySeconds ?? null, count},
      startedAt: startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      snapshots,
      counts: sumCounts(snapshots.map((s) => s.counts)),
    }
    // the manifest is written last: a folder without one is, by definition, incomplete
    await folder.commit(manifest)
    done = true
    return {...manifest, path: opts.out}
  } finally {
    if (!done) await folder.abort()
  }
}

async function takeSnapshot(
  client: AnalyzerClient,
  root: string,
  label: string,
  queries: ReturnType<typeof captureQueries>,
  progress: (p: Omit<Extract<CaptureProgress, {phase: 'query'}>, 'snapshot' | 'snapshots'>) => void,
): Promise<CaptureSnapshot> {
  await mkdir(join(root, label))
  const startedAt = new Date().toISOString()
  const responses: CaptureResponse[] = []
  for (const [i, q] of queries.entries()) {
    const file = `${label}/${q.role}.json`
    const path = join(root, label, `${q.role}.json`)
    const base = {phase: 'query' as const, query: i + 1, queries: queries.length, role: q.role, gremlin: q.gremlin}
    const started = new Date().toISOString()
    progress({...base, bytes: 0, done: false})
    let counter: RecordCounter | undefined
    const r = await client.query(q.gremlin, path, {
      onBytes: (bytes) => progress({...base, bytes, done: false}),
      inspect: () => (counter = new RecordCounter(q.role, `${client.endpoint.url}: the answer to ${q.gremlin}`, {redact: (t) => client.redact(t)})),
    })
    const counts = counter!.end()
    progress({...base, bytes: r.bytes, done: true})
    responses.push({role: q.role, query: q.gremlin, file, bytes: r.bytes, sha256: r.sha256, attempts: r.attempts, startedAt: started, endedAt: new Date().toISOString(), counts})
  }
  // flow-sockets maps hold flow ends, not host sockets: kept out of the totals
  return {label, startedAt, endedAt: new Date().toISOString(), responses, counts: sumCounts(responses.filter((r) => r.role !== 'flow-sockets').map((r) => r.counts))}
}

async function waitUntil(when: number, opts: CaptureOptions, snapshot: number, snapshots: number): Promise<void> {
  const ms = when - Date.now()
  if (ms <= 0) return
  opts.onProgress?.({phase: 'wait', snapshot, snapshots, seconds: Math.ceil(ms / 1000)})
  try {
    await sleep(ms, undefined, {signal: opts.signal})
  } catch {
    throw new InterruptedError('capture interrupted')
  }
}
