import {UsageError} from '@fm/model'
import {isMap, isScalar, isSeq, YAMLSeq, type Node} from 'yaml'
import {checkBaseline} from './check-baseline.js'
import {isGlob} from './glob.js'
import {parseBaselineDocument} from './parse-baseline.js'
import type {Edge, Level, Observation} from './types.js'

export interface WriteBaselineOptions {
  /** Level of a new baseline; must agree with an existing one. Default: the existing level, else service. */
  level?: Level
  /** Edges seen in fewer snapshots are left out (flaky). Default 1. */
  minSeen?: number
  /** The baseline being regenerated: its rules and comments are kept. */
  existing?: {text: string; file: string}
  /** Also drop generated-looking allow rules (exact values, no comment) that matched nothing. */
  prune?: boolean
}

export interface WriteBaselineResult {
  text: string
  level: Level
  /** Allow rules added for newly observed edges. */
  added: number
  /** Allow rules kept from the existing baseline. */
  kept: number
  /** Allow rules dropped by `prune`. */
  removed: number
  /** Observed edges that a rule now allows (or an ignore rule drops). */
  edges: number
}

const TEMPLATE = `# fm baseline: which services may talk to which. Review changes to it like code.
# Regenerate with \`fm baseline INPUT... --out FILE\`: rules and comments written by hand are kept.
#
# Every field a rule gives must match; a list means any of its items.
#   client, server, process (either end): a process name ("nginx"), or an executable path when
#       it contains "/" ("/usr/sbin/*"); * and ? are wildcards
#   client_host, server_host, host (either end): host names or globs ("web-*")
#   protocol: TCP or UDP    port: 443, "8000-8099", "*", or a list
#   address, client_address, server_address: CIDR ranges ("10.0.0.0/8"), addresses or globs
#   loopback: true matches connections to 127.0.0.0/8 and ::1
#   reason: free text shown in reports
# allow:   what may be observed; anything else fails \`fm check\`
# require: what must be seen at least once, e.g. - {client: web, server: postgres, protocol: TCP, port: 5432}
# ignore:  what \`fm check\` does not look at, e.g. - {loopback: true}  - {port: 53}  - {address: 169.254.0.0/16}
version: 1
level: service
allow: []
require: []
ignore: []
`

/**
 * Writes a baseline allowing every observed edge (seen in at least `minSeen` snapshots), or
 * regenerates an existing one through the YAML Document API so its comments, ignore and require
 * rules, and hand-written allow rules stay in place; only rules for edges nothing allows are appended.
 */
export function writeBaseline(obs: Observation, opts: WriteBaselineOptions = {}): WriteBaselineResult {
  const source = opts.existing ?? {text: TEMPLATE, file: 'template'}
  const {doc, baseline} = parseBaselineDocument(source.text, source.file)
  if (opts.existing && opts.level && opts.level !== baseline.level) {
    throw new UsageError(`${opts.existing.file} is a ${baseline.level}-level baseline; drop \`level\` or write a new file for level ${opts.level}`)
  }
  const level = opts.existing ? baseline.level : (opts.level ?? 'service')
  if (!opts.existing) doc.set('level', level)
  const report = checkBaseline({...baseline, level}, obs, {minSeen: opts.minSeen ?? 1})
  const fresh = report.edges.filter((e) => e.status === 'unexpected')

  let allow = doc.get('allow', true) as Node | undefined
  if (!isSeq(allow)) {
    allow = new YAMLSeq()
    doc.set('allow', allow)
  }
  const seq = allow as YAMLSeq
  let removed = 0
  if (opts.prune) {
    const results = report.rules.filter((r) => r.kind === 'allow')
    seq.items = seq.items.filter((item, i) => {
      const drop = results[i].matched === 0 && looksGenerated(item as Node)
      if (drop) removed++
      return !drop
    })
  }
  const kept = seq.items.length
  if (fresh.length > 0 && seq.items.length === 0) seq.flow = false
  for (const e of fresh) {
    const node = doc.createNode(ruleFor(e, level))
    node.flow = true
    // Names come from the dump: anything beyond a plain word is double-quoted, the one YAML
    // style that can carry every character (newlines, NUL, quotes) inside a flow mapping.
    for (const p of node.items) {
      if (isScalar(p.value) && typeof p.value.value === 'string' && !/^[A-Za-z0-9_][A-Za-z0-9_.@+-]*$/.test(p.value.value)) p.value.type = 'QUOTE_DOUBLE'
    }
    seq.items.push(node)
  }
  return {
    text: doc.toString({lineWidth: 0, flowCollectionPadding: false}),
    level,
    added: fresh.length,
    kept,
    removed,
    edges: report.edges.filter((e) => e.status !== 'flaky').length,
  }
}

/** The allow rule for one edge, fields in reading order: client → server, protocol, port. */
function ruleFor(e: Edge, level: Level): Record<string, string | number> {
  const r: Record<string, string | number> = {}
  if (level === 'host') r.client_host = e.client.host ?? '*'
  r.client = literal(e.client.service)
  if (level === 'host') r.server_host = e.server.host ?? '*'
  r.server = literal(e.server.service)
  r.protocol = e.protocol
  r.port = e.port ?? '*'
  return r
}

/** A service name as a pattern matching it: a "/" would make it a path pattern, so it becomes "?". */
function literal(name: string): string {
  return name.replace(/\//g, '?')
}

/** An allow rule as fm writes it: only generated fields, plain values, and no comment of a person's. */
function looksGenerated(item: Node): boolean {
  if (!isMap(item) || item.commentBefore || item.comment) return false
  const generated = new Set(['client_host', 'client', 'server_host', 'server', 'protocol', 'port'])
  return item.items.every((p) => {
    const k = isScalar(p.key) ? String(p.key.value) : ''
    const v = p.value
    return generated.has(k) && isScalar(v) && !v.commentBefore && !v.comment && !isGlob(String(v.value))
  })
}

