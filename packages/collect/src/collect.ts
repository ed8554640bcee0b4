import {createHash} from 'node:crypto'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {hostname as machineName} from 'node:os'
import {join} from 'node:path'
import {AnalyzerError, InterruptedError, oneLine, PartialResultError, UsageError} from '@fm/model'
import {CAPTURE_FORMAT, CAPTURE_VERSION, type CaptureManifest, type CaptureResponse, type RecordCounts} from '@fm/ingest'
import {sumCounts, writeCaptureFolder} from '@fm/capture'
import {bundleToGraph} from './bundle-graph.js'
import {collectorScript} from './collector-script.js'
import {parseBundle} from './parse-bundle.js'
import {runTransport} from './run-transport.js'
import {DEFAULT_SSH_COMMAND, describeTransport, transportArgv, transportTryCommand} from './transport.js'

export type NamespaceMode = 'all' | 'own'

export interface CollectOptions {
  /** Inventory names, each given to the transport as `{host}`; ignored with `local`. */
  hosts?: string[]
  /** Collect this machine directly (no transport). */
  local?: boolean
  /** Transport template (default DEFAULT_SSH_COMMAND). */
  template?: string
  /** Which network namespaces the collector reads on each host (default all). */
  namespaces?: NamespaceMode
  /** Hosts collected at once (default 8). */
  parallel?: number
  /** Milliseconds one host may take (default 120 s). */
  timeoutMs?: number
  /** Largest bundle accepted from one host, in bytes (default 256 MiB); more is refused. */
  maxBundleBytes?: number
  /** The capture folder to create; it must not exist yet. */
  out: string
  toolVersion: string
  signal?: AbortSignal
  onProgress?: (p: CollectProgress) => void
}

export interface CollectProgress {
  phase: 'host'
  host: string
  status: 'started' | 'ok' | 'failed'
  /** Hosts finished so far, and in all. */
  done: number
  total: number
  error?: string
}

/** What happened on one host, as the manifest records it. */
export interface CollectedHost {
  host: string
  status: 'ok' | 'failed'
  /** Why the host could not be collected (one line). */
  error?: string
  /** The hostname the host reported. */
  hostname?: string
  /** The raw bundle as received, relative to the capture folder. */
  bundle?: {file: string; bytes: number; sha256: string}
  namespaces?: number
  sockets?: number
  /** Bundle lines the parser did not use, with why. */
  skippedLines?: {line: number; why: string}[]
  startedAt: string
  endedAt: string
}

export type CollectManifest = CaptureManifest & {
  collect: {transport: string | null; namespaces: NamespaceMode; parallel: number; timeoutSeconds: number; hosts: CollectedHost[]}
}

export type CollectResult = CollectManifest & {path: string; failed: number}

/** Some hosts could not be collected; the capture of the others is complete (exit 4). */
export class PartialCaptureError extends PartialResultError {
  constructor(readonly result: CollectResult) {
    const failed = result.collect.hosts.filter((h) => h.status === 'failed')
    super(`${failed.length} of ${result.collect.hosts.length} hosts could not be collected (${failed.slice(0, 3).map((h) => `${h.host}: ${h.error}`).join('; ')}${failed.length > 3 ? '; ...' : ''}); ${result.path} holds the others`, [
      `See collect.hosts in ${result.path}/manifest.json for every error.`,
    ])
  }
}

/** No host could be collected: nothing was written (exit 3). */
export class CollectError extends AnalyzerError {}

/**
 * Runs the collector on every host through the transport (at most `parallel` at once, each
 * within `timeoutMs`), parses each bundle as it arrives and writes a standard fm capture
 * folder: one Skydive-shaped `G` response per host (host, netns and interface nodes, sockets
 * with their namespace) next to the raw bundle. A host that fails is recorded with its error
 * and the others are still written; then PartialCaptureError says so.
 */
export async function collect(opts: CollectOptions): Promise<CollectResult> {
  const mode = opts.namespaces ?? 'all'
  const parallel = opts.parallel ?? 8
  const timeoutMs = opts.timeoutMs ?? 120_000
  const maxBytes = opts.maxBundleBytes ?? 256 * 1024 * 1024
  if (!Number.isInteger(parallel) || parallel < 1) throw new UsageError('--parallel must be a positive whole number')
  const template = opts.local ? null : opts.template ?? DEFAULT_SSH_COMMAND
  const hosts = opts.local ? [machineName()] : opts.hosts ?? []
  if (hosts.length === 0) throw new UsageError('no host to collect')
  // check the template once, before anything runs
  const argvOf = (host: string): string[] => (template === null ? ['sh', '-s', '--', mode] : transportArgv(template, host, mode))
  argvOf(hosts[0])
  const shown = template === null ? null : describeTransport(template)
  const script = collectorScript()
  const manifest = await writeCaptureFolder<CollectManifest>(opts.out, async (dir) => {
    const startedAt = new Date()
    const label = 'snapshot-1'
    await mkdir(join(dir, label))
    const results: CollectedHost[] = new Array(hosts.length)
    const responses: (CaptureResponse | undefined)[] = new Array(hosts.length)
    let next = 0
    let done = 0
    const worker = async (): Promise<void> => {
      while (next < hosts.length) {
        if (opts.signal?.aborted) throw new InterruptedError('capture interrupted')
        const i = next++
        const host = hosts[i]
        opts.onProgress?.({phase: 'host', host, status: 'started', done, total: hosts.length})
        const r = await collectOne(host, i, argvOf(host), script, dir, label, timeoutMs, maxBytes, opts.signal)
        if (opts.signal?.aborted) throw new InterruptedError('capture interrupted')
        results[i] = r.host
        responses[i] = r.response
        done++
        opts.onProgress?.({phase: 'host', host, status: r.host.status, done, total: hosts.length, error: r.host.error})
      }
    }
    await Promise.all(Array.from({length: Math.min(parallel, hosts.length)}, worker))
    const ok = responses.filter((r): r is CaptureResponse => r !== undefined)
    if (ok.length === 0) {
      const first = results.slice(0, 3).map((h) => `${h.host}: ${h.error}`).join('; ')
      throw new CollectError(`no host could be collected (${first}${results.length > 3 ? '; ...' : ''})`, [
        template === null ? 'Run fm capture --print-collector | sh to see what the collector says.' : `Check that this works from this machine: ${transportTryCommand(template, hosts[0])}`,
      ])
    }
    const counts = sumCounts(ok.map((r) => r.counts))
    return {
      format: CAPTURE_FORMAT,
      version: CAPTURE_VERSION,
      tool: {name: 'fm', version: opts.toolVersion},
      analyzer: template === null ? 'collector: this machine' : `collector: ${shown}`,
      authenticated: false,
      timeContext: null,
      options: {full: true, useFlows: false, everySeconds: null, count: 1},
      startedAt: startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      snapshots: [{label, startedAt: startedAt.toISOString(), endedAt: new Date().toISOString(), responses: ok, counts}],
      counts,
      collect: {transport: shown, namespaces: mode, parallel, timeoutSeconds: timeoutMs / 1000, hosts: results},
    }
  })
  const failed = manifest.collect.hosts.filter((h) => h.status === 'failed').length
  const result: CollectResult = {...manifest, path: opts.out, failed}
  if (failed > 0) throw new PartialCaptureError(result)
  return result
}

async function collectOne(
  host: string, index: number, argv: string[], script: string, dir: string, label: string, timeoutMs: number, maxBytes: number, signal?: AbortSignal,
): Promise<{host: CollectedHost; response?: CaptureResponse}> {
  const startedAt = new Date().toISOString()
  const failed = (error: string): {host: CollectedHost} => ({host: {host, status: 'failed', error: oneLine(error), startedAt, endedAt: new Date().toISOString()}})
  const base = `${label}/host-${String(index + 1).padStart(4, '0')}`
  const bundleFile = `${base}.bundle.txt`
  const run = await runTransport({argv, script, file: join(dir, ...bundleFile.split('/')), timeoutMs, maxBytes, signal})
  if ('error' in run) return failed(run.error)
  const bundleInfo = {file: bundleFile, bytes: run.bytes, sha256: run.sha256}
  // one bundle in memory at a time: parsing is synchronous anyway, and parallel hosts that
  // each sent a large bundle must not add up
  const parsed = await oneAtATime(async () => {
    try {
      return parseBundle(await readFile(join(dir, ...bundleFile.split('/')), 'utf8'))
    } catch (e) {
      return e as Error
    }
  })
  if (parsed instanceof Error) {
    const f = failed(`the collector's output is not a bundle: ${parsed.message}`)
    return {host: {...f.host, bundle: bundleInfo}}
  }
  const {graph, counts} = bundleToGraph(parsed, host)
  const text = Buffer.from(JSON.stringify([graph]))
  const file = `${base}.json`
  await writeFile(join(dir, ...file.split('/')), text)
  const endedAt = new Date().toISOString()
  const response: CaptureResponse = {
    role: 'graph', query: `fm collector on ${host}`, file, bytes: text.length, sha256: createHash('sha256').update(text).digest('hex'),
    attempts: 1, startedAt, endedAt, counts: counts as RecordCounts,
  }
  return {
    host: {host, status: 'ok', hostname: parsed.hostname, bundle: bundleInfo, namespaces: parsed.namespaces.length, sockets: counts.sockets, skippedLines: parsed.skipped.slice(0, 20), startedAt, endedAt},
    response,
  }
}

let queue: Promise<unknown> = Promise.resolve()

/** Runs `work` after every earlier call's work has ended (a queue of one, shared by all hosts). */
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const result = queue.then(work)
  queue = result.catch(() => {})
  return result
}
