import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {AnalyzerError, PartialResultError, UsageError, type Matrix, type MatrixEntry} from '@fm/model'
import {AnalyzerClient, type ConnectionOptions} from '@fm/capture'
import {entryElements, FM_MANAGER} from './graph-elements.js'
import type {ElementCounts} from './plan-publish.js'
import {forEachElement} from './json-array.js'
import {PublishSpill} from './publish-spill.js'
import {sendMessages} from './send-messages.js'

export type PublishProgress =
  | {phase: 'connect'; analyzer: string}
  | {phase: 'read'; analyzer: string}
  | {phase: 'send'; sent: number; total: number}
  | {phase: 'verify'; attempt: number}

export interface PublishOptions extends ConnectionOptions {
  /** The matrix to publish; left out with `delete` or with `entries`. */
  matrix?: Matrix
  /**
   * The matrix's entries as a stream instead: called once, it hands every entry to `onEntry`
   * (e.g. `(onEntry) => analyze({inputs, onEntry})`), and none is held.
   */
  entries?: (onEntry: (e: MatrixEntry) => void) => Promise<unknown>
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
  if (!opts.delete && !opts.matrix && !opts.entries) throw new UsageError('nothing to publish: give a matrix, or `delete`')
  const hostId = opts.hostId ?? 'fm'
  const now = opts.now ?? Date.now
  // what fm wants, holds and sends goes through a spill on disk: memory stays flat at any size
  const spill = new PublishSpill()
  const tmp = mkdtempSync(join(tmpdir(), 'fm-publish-'))
  let client: AnalyzerClient | undefined
  try {
    if (!opts.delete) {
      const graph = {scope, hostId, now: now()}
      const onEntry = (e: MatrixEntry): void => {
        const {edge, client: from, server: to} = entryElements(e, graph)
        spill.want('Node', from)
        spill.want('Node', to)
        spill.want('Edge', edge)
      }
      if (opts.entries) await opts.entries(onEntry)
      else for (const e of opts.matrix!.entries) onEntry(e)
    }
    opts.onProgress?.({phase: 'connect', analyzer: opts.analyzer})
    client = await AnalyzerClient.connect(opts)
    const c = client
    opts.onProgress?.({phase: 'read', analyzer: c.endpoint.url})
    await readPublished(c, scope, tmp, (kind, id, text) => spill.have(kind, id, text))
    const plan = spill.plan(now())
    if (plan.messages > 0) {
      const {cleanClose} = await sendMessages({total: plan.messages, texts: spill.messages()}, {
        endpoint: c.endpoint, auth: c.authHeaders(), hostId, redact: (t) => c.redact(t), insecure: opts.insecure, ca: opts.ca, timeoutMs: (opts.timeoutSeconds ?? 120) * 1000,
        onSent: (sent, total) => opts.onProgress?.({phase: 'send', sent, total}),
      })
      const why = cleanClose ? '' : `the connection was dropped after all ${plan.messages} messages were written, before the analyzer closed it: `
      await verify(spill, (onElement) => readPublished(c, scope, tmp, onElement), opts, why)
    }
    return {analyzer: c.endpoint.url, scope, nodes: plan.nodes, edges: plan.edges, messages: plan.messages}
  } finally {
    client?.close()
    spill.close()
    rmSync(tmp, {recursive: true, force: true})
  }
}

type OnElement = (kind: 'Node' | 'Edge', id: string, text: string) => void

/** Hands over the nodes and edges fm published in a scope, as the analyzer holds them now, one at a time. */
async function readPublished(client: AnalyzerClient, scope: string, dir: string, onElement: OnElement): Promise<void> {
  const has = `Has('Manager', '${FM_MANAGER}', 'FMScope', '${scope}')`
  for (const [kind, gremlin] of [['Node', `G.V().${has}`], ['Edge', `G.E().${has}`]] as const) {
    const file = join(dir, kind === 'Node' ? 'nodes.json' : 'edges.json')
    await client.query(gremlin, file)
    const bad = (why: string): AnalyzerError => new AnalyzerError(`${client.endpoint.url}: unexpected answer to ${gremlin}: ${why}`)
    await forEachElement(file, (v, text) => {
      const id = v && typeof v === 'object' && !Array.isArray(v) ? (v as {ID?: unknown}).ID : undefined
      onElement(kind, typeof id === 'string' ? id : String(id), text)
    }, bad)
    rmSync(file, {force: true})
  }
}

/** Reads back until the analyzer holds exactly the desired IDs (it applies messages asynchronously). */
async function verify(spill: PublishSpill, read: (onElement: OnElement) => Promise<void>, opts: PublishOptions, why: string): Promise<void> {
  const attempts = opts.verifyAttempts ?? 5
  const got = {nodes: 0, edges: 0}
  for (let attempt = 1; attempt <= attempts; attempt++) {
    opts.onProgress?.({phase: 'verify', attempt})
    spill.clearGot()
    got.nodes = 0
    got.edges = 0
    await read((kind, id) => {
      got[kind === 'Node' ? 'nodes' : 'edges']++
      spill.got(kind, id)
    })
    if (spill.gotExactly(got.nodes + got.edges)) return
    if (attempt < attempts) await sleep(200)
  }
  const want = spill.wanted()
  throw new PartialResultError(
    `${why}the analyzer holds ${got.nodes} nodes and ${got.edges} edges of fm after publishing, expected ${want.nodes} and ${want.edges}`,
    [why ? 'Publish again: IDs are stable, so the rest is added and nothing is duplicated.' : 'The analyzer may have rejected some messages (see its log); publish again.'],
  )
}
