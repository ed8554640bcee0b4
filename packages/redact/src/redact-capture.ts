import {mkdir} from 'node:fs/promises'
import {relative, resolve, isAbsolute} from 'node:path'
import {InputError, InterruptedError, UsageError} from '@fm/model'
import {
  CAPTURE_FORMAT, CAPTURE_VERSION, readCapture, readJsonDump, sniffDump,
  type CaptureManifest, type CaptureResponse, type CaptureSnapshot, type ReadProgress, type RecordCounts, type ResponseRole,
} from '@fm/ingest'
import {CaptureFolderWriter, sumCounts, zeroCounts} from '@fm/capture'
import type {RedactKey} from './key.js'
import {MapTable} from './map-table.js'
import {Pseudonymizer, SYSTEM_PATHS, type RedactOptions} from './pseudonymizer.js'
import {JsonFileWriter} from './json-file.js'
import {OUTPUT_FILES, redactRecord, type OutputFile} from './redact-record.js'

export interface RedactCaptureOptions extends RedactOptions {
  /** Dumps and fm capture folders, as `fm analyze` reads them. */
  inputs: string[]
  /** The capture folder to write; it must not exist yet. */
  out: string
  key: RedactKey
  /** Also write the original → pseudonym table here (CSV, mode 0600); never inside `out`. */
  map?: string
  /** fm's version, recorded in the manifest. */
  toolVersion: string
  onProgress?: (p: ReadProgress) => void
  /** Stops at the next record (InterruptedError); nothing is left at `out` or `map`. */
  signal?: AbortSignal
}

/** What the manifest of a redacted capture says about the redaction (never the key, never the inputs' names). */
export interface RedactionInfo {
  tool: 'fm redact'
  keyFingerprint: string
  addresses: string
  names: string
  paths: string
  dropped: string
  kept: {hosts: string[]; addresses: string[]; processNames: boolean; systemPaths: string[]}
  inputs: {kind: 'dump' | 'capture'; snapshots: number}[]
}

export type RedactedManifest = CaptureManifest & {redaction: RedactionInfo}

export interface RedactCaptureResult {
  path: string
  manifest: RedactedManifest
  map: {file: string; rows: number} | null
}

const ROLE: Record<OutputFile, ResponseRole> = {hosts: 'hosts', 'host-sockets': 'hosts', netns: 'netns', interfaces: 'interfaces', ownership: 'ownership', flows: 'flows'}

interface PlannedSnapshot {
  files: string[]
  startedAt: string
  endedAt: string
}

/**
 * Reads dumps and capture folders record by record and writes one fm capture folder in which
 * host names, ids, addresses, interface and namespace names and user or site paths are keyed
 * pseudonyms (see Pseudonymizer), one snapshot per input dump or input snapshot. Memory stays
 * at one record and a bounded memo, whatever the inputs' size; the same inputs and key give
 * the same bytes. Written under a temporary name and renamed, manifest last.
 */
export async function redactCapture(opts: RedactCaptureOptions): Promise<RedactCaptureResult> {
  if (opts.inputs.length === 0) throw new UsageError('nothing to redact: give dump files or capture folders')
  const out = resolve(opts.out)
  if (opts.map !== undefined && inside(resolve(opts.map), out)) throw new UsageError(`the map ${opts.map} would be inside the redacted capture ${opts.out}: it holds the originals, keep it apart`)
  const plan: PlannedSnapshot[] = []
  const inputs: RedactionInfo['inputs'] = []
  const contexts = new Map<string, CaptureManifest['timeContext']>()
  let useFlows = false
  for (const file of opts.inputs) {
    const kind = await sniffDump(file)
    if (kind === 'sqlite') throw new InputError(file, 'an fm database cannot be redacted: redact the dumps or captures it was made from')
    if (kind === 'json') {
      plan.push({files: [file], startedAt: '', endedAt: ''})
      inputs.push({kind: 'dump', snapshots: 1})
      contexts.set('null', null)
      continue
    }
    const cap = await readCapture(file)
    if ((cap.manifest as Partial<RedactedManifest>).redaction?.keyFingerprint === opts.key.fingerprint) {
      // its pseudonyms would become pseudonyms of pseudonyms, which nothing else redacted with this key matches
      throw new UsageError(`${file} is already redacted with this key: use it as it is`)
    }
    for (const s of cap.snapshots) plan.push({files: s.files, startedAt: s.startedAt, endedAt: s.endedAt})
    inputs.push({kind: 'capture', snapshots: cap.snapshots.length})
    contexts.set(JSON.stringify(cap.manifest.timeContext ?? null), cap.manifest.timeContext ?? null)
    useFlows ||= cap.manifest.options?.useFlows === true
  }
  // one manifest holds one time context, and it decides which states count
  if (contexts.size > 1) throw new UsageError('the inputs were captured with different time contexts (or some with one, some without): redact them separately')
  const timeContext = [...contexts.values()][0] ?? null

  const p = new Pseudonymizer(opts.key, opts)
  const folder = await CaptureFolderWriter.create(opts.out)
  let done = false
  let map: MapTable | null = null
  let mapFile: Awaited<ReturnType<MapTable['write']>> | null = null
  try {
    if (opts.map !== undefined) {
      const table = (map = new MapTable())
      p.onMap = (kind, original, pseudonym) => table.add(kind, original, pseudonym)
    }
    const snapshots: CaptureSnapshot[] = []
    for (const [i, s] of plan.entries()) snapshots.push(await redactSnapshot(folder, `snapshot-${i + 1}`, s, p, opts))
    const times = snapshots.flatMap((s) => [s.startedAt, s.endedAt]).filter((t) => t !== '').sort()
    const manifest: RedactedManifest = {
      format: CAPTURE_FORMAT,
      version: CAPTURE_VERSION,
      tool: {name: 'fm', version: opts.toolVersion},
      analyzer: '(redacted)',
      authenticated: false,
      timeContext,
      options: {full: false, useFlows: useFlows || snapshots.some((s) => s.counts.flows > 0), everySeconds: null, count: snapshots.length},
      startedAt: times[0] ?? '',
      endedAt: times[times.length - 1] ?? '',
      snapshots,
      counts: sumCounts(snapshots.map((s) => s.counts)),
      redaction: {
        tool: 'fm redact',
        keyFingerprint: opts.key.fingerprint,
        addresses: 'Crypto-PAn over AES-128, prefix-preserving; loopback and unspecified kept, link-local and multicast keep their class, interface prefix lengths kept',
        names: 'host names, hostnames, ids, interface and namespace names: keyed HMAC-SHA-256 pseudonyms',
        paths: opts.services ? 'every directory outside the system paths, and process and executable names' : 'every directory outside the system paths; process and executable names kept',
        dropped: 'every node, edge and flow field fm does not match on, the analyzer address, input file names',
        kept: {hosts: [...(opts.keepHosts ?? [])].sort(), addresses: [...(opts.keepAddresses ?? [])], processNames: !opts.services, systemPaths: [...SYSTEM_PATHS, ...(opts.allowPaths ?? [])]},
        inputs,
      },
    }
    if (map && opts.map !== undefined) mapFile = await map.write(opts.map)
    await folder.commit(manifest)
    done = true
    await mapFile?.commit()
    return {path: opts.out, manifest, map: mapFile && opts.map !== undefined ? {file: opts.map, rows: mapFile.rows} : null}
  } finally {
    map?.close()
    if (!done) {
      await folder.abort()
      await mapFile?.abort()
    }
  }
}

async function redactSnapshot(folder: CaptureFolderWriter, label: string, s: PlannedSnapshot, p: Pseudonymizer, opts: RedactCaptureOptions): Promise<CaptureSnapshot> {
  await mkdir(folder.path(label))
  const writers = new Map<OutputFile, {w: JsonFileWriter; counts: RecordCounts}>()
  try {
    for (const file of s.files) {
      let n = 0
      for await (const r of readJsonDump(file, {onProgress: opts.onProgress})) {
        if ((++n & 1023) === 0 && opts.signal?.aborted) throw new InterruptedError()
        const red = redactRecord(r, p)
        let w = writers.get(red.file)
        if (!w) writers.set(red.file, (w = {w: await JsonFileWriter.create(folder.path(`${label}/${red.file}.json`), {map: red.file === 'host-sockets'}), counts: zeroCounts()}))
        await w.w.add(red.text)
        const c = w.counts
        if (r.kind === 'host') {
          c.hosts++
          c.sockets += r.sockets?.length ?? 0
        } else if (r.kind === 'sockets') c.sockets += r.sockets.length
        else if (r.kind === 'interface') c.interfaces++
        else if (r.kind === 'netns') c.netns++
        else if (r.kind === 'ownership') c.ownership++
        else c.flows++
      }
      if (opts.signal?.aborted) throw new InterruptedError()
    }
    const responses: CaptureResponse[] = []
    for (const f of OUTPUT_FILES) {
      const w = writers.get(f)
      if (!w) continue
      writers.delete(f)
      const {bytes, sha256} = await w.w.close()
      responses.push({role: ROLE[f], query: `fm redact: ${f}`, file: `${label}/${f}.json`, bytes, sha256, attempts: 1, startedAt: s.startedAt, endedAt: s.endedAt, counts: w.counts})
    }
    return {label, startedAt: s.startedAt, endedAt: s.endedAt, responses, counts: sumCounts(responses.map((r) => r.counts))}
  } finally {
    for (const w of writers.values()) await w.w.discard()
  }
}

function inside(path: string, dir: string): boolean {
  const r = relative(dir, path)
  return r === '' || (!r.startsWith('..') && !isAbsolute(r))
}
