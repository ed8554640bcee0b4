import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {AnalyzerError, PartialResultError, UsageError, type Matrix} from '@fm/model'
import {AnalyzerClient, type ConnectionOptions} from '@fm/capture'
import {FM_MANAGER, matrixToGraph, type GraphEdge, type GraphNode, type MatrixGraph} from './graph-elements.js'
import {planPublish, type ElementCounts} from './plan-publish.js'
import {sendMessages} from './send-messages.js'

export type PublishProgress =
  | {phase: 'connect'; analyzer: string}
  | {phase: 'read'; analyzer: string}
  | {phase: 'send'; sent: number; total: number}
  | {phase: 'verify'; attempt: number}

export interface PublishOptions extends ConnectionOptions {
  /** The matrix to publish; left out with `delete`. */
  matrix?: Matrix
  /** Remove every element fm published in this scope instead. */
  delete?: boolean
  /** Names one published matrix, so several can live in one analyzer (default "default"). */
  scope?: string
  /** X-Host-ID of the publisher (default "fm"). */
  hostId?: string
  /** Clock (ms since the epoch) for CreatedAt/UpdatedAt. */
  now?: () => number
  /** Read-backs before deciding the analyzer did not take everything (default 5, 200 ms apart). */
  verifyAttempts?: number
  onProgress?: (p: PublishProgress) => void
}

export interface PublishResult {
  /** Analyzer base URL, never with credentials. */
  analyzer: string
  scope: string
  nodes: ElementCounts
  edges: ElementCounts
  /** Messages sent through the websocket. */
  messages: number
}

const SCOPE = /^[\w.-]{1,64}$/

/**
 * Publishes a matrix into a Skydive analyzer (the original's `--format skydive`), or deletes
 * what fm published: reads the elements fm published before in the scope (REST, Gremlin), sends
 * only the differences through the websocket publisher, then reads back to check the analyzer
 * holds exactly the matrix. Publishing the same matrix twice changes nothing.
 */
export async function publish(opts: PublishOptions): Promise<PublishResult> {
  const scope = opts.scope ?? 'default'
  if (!SCOPE.test(scope)) throw new UsageError(`\`scope\` ${JSON.stringify(scope)}: use 1-64 letters, digits, '.', '_' or '-'`)
  if (!opts.delete && !opts.matrix) throw new UsageError('nothing to publish: give a matrix, or `delete`')
  const hostId = opts.hostId ?? 'fm'
  const now = opts.now ?? Date.now
  opts.onProgress?.({phase: 'connect', analyzer: opts.analyzer})
  const client = await AnalyzerClient.connect(opts)
  const tmp = mkdtempSync(join(tmpdir(), 'fm-publish-'))
  try {
    const read = (): Promise<MatrixGraph> => readPublished(client, scope, tmp)
    opts.onProgress?.({phase: 'read', analyzer: client.endpoint.url})
    const existing = await read()
    const desired: MatrixGraph = opts.delete ? {nodes: [], edges: []} : matrixToGraph(opts.matrix!, {scope, hostId, now: now()})
    const plan = planPublish(desired, existing, now())
    if (plan.messages.length > 0) {
      const {cleanClose} = await sendMessages(plan.messages, {
        endpoint: client.endpoint, auth: client.authHeaders(), hostId, redact: (t) => client.redact(t), insecure: opts.insecure, ca: opts.ca, timeoutMs: (opts.timeoutSeconds ?? 120) * 1000,
        onSent: (sent, total) => opts.onProgress?.({phase: 'send', sent, total}),
      })
      await verify(desired, read, opts, cleanClose ? '' : `the connection was dropped after all ${plan.messages.length} messages were written, before the analyzer closed it: `)
    }
    return {analyzer: client.endpoint.url, scope, nodes: plan.nodes, edges: plan.edges, messages: plan.messages.length}
  } finally {
    client.close()
    rmSync(tmp, {recursive: true, force: true})
  }
}

/** The nodes and edges fm published in a scope, as the analyzer holds them now. */
async function readPublished(client: AnalyzerClient, scope: string, dir: string): Promise<MatrixGraph> {
  const has = `Has('Manager', '${FM_MANAGER}', 'FMScope', '${scope}')`
  const get = async <T>(gremlin: string, name: string): Promise<T[]> => {
    const file = join(dir, name)
    await client.query(gremlin, file)
    const text = readFileSync(file, 'utf8').trim()
    const v: unknown = text ? JSON.parse(text) : []
    if (!Array.isArray(v)) throw new AnalyzerError(`${client.endpoint.url}: unexpected answer to ${gremlin}: expected an array`)
    return v as T[]
  }
  return {nodes: await get<GraphNode>(`G.V().${has}`, 'nodes.json'), edges: await get<GraphEdge>(`G.E().${has}`, 'edges.json')}
}

/** Reads back until the analyzer holds exactly the desired IDs (it applies messages asynchronously). */
async function verify(desired: MatrixGraph, read: () => Promise<MatrixGraph>, opts: PublishOptions, why: string): Promise<void> {
  const want = (g: MatrixGraph): string => [...g.nodes.map((n) => `n${n.ID}`), ...g.edges.map((e) => `e${e.ID}`)].sort().join(',')
  const attempts = opts.verifyAttempts ?? 5
  let got: MatrixGraph = {nodes: [], edges: []}
  for (let attempt = 1; attempt <= attempts; attempt++) {
    opts.onProgress?.({phase: 'verify', attempt})
    got = await read()
    if (want(got) === want(desired)) return
    if (attempt < attempts) await sleep(200)
  }
  throw new PartialResultError(
    `${why}the analyzer holds ${got.nodes.length} nodes and ${got.edges.length} edges of fm after publishing, expected ${desired.nodes.length} and ${desired.edges.length}`,
    [why ? 'Publish again: IDs are stable, so the rest is added and nothing is duplicated.' : 'The analyzer may have rejected some messages (see its log); publish again.'],
  )
}
