import {InputError, UsageError} from '@fm/model'
import {randomBytes} from 'node:crypto'
import {Document, isMap, isScalar, isSeq, YAMLMap, YAMLSeq, type Node} from 'yaml'
import type {CaptureInfo, MatrixEntry} from '@fm/model'
import {BaselineChecker} from './check-baseline.js'
import {plainSafe} from './escape.js'
import {escapeGlob, isGlob, MAX_PATTERN_LENGTH} from './glob.js'
import {parseBaselineDocument, readBaselineLines, yamlDocument} from './parse-baseline.js'
import {AllowLines, Bits, type LineEvent} from './regenerate-lines.js'
import {MemoryRuleStore, type RuleStore} from './rule-list.js'
import type {CheckReportParts} from './report-parts.js'
import type {CheckedEdge, Edge, Level, Observation} from './types.js'
import type {EdgeRowSpill} from './group-edges.js'

type Doc = ReturnType<typeof parseBaselineDocument>['doc']

export interface WriteBaselineOptions {
  /** Level of a new baseline; must agree with an existing one. Default: the existing level, else service. */
  level?: Level
  /** Edges seen in fewer snapshots are left out (flaky). Default 1. */
  minSeen?: number
  /**
   * The baseline being regenerated: its rules and comments are kept. Given as `lines` (read a
   * line at a time, as often as iterated), a baseline in the line-per-rule form fm writes is
   * never held whole: its rules go to `rules`, and its plain rule lines are copied from the file
   * into the new text (AllowLines); any other is read whole with `text()`.
   */
  existing?: {text: string; file: string} | ExistingLines
  /** With `existing` lines: where its allow and ignore rules are kept (a RuleTable of the CLI, on disk). Default: in memory. */
  rules?: RuleStore
  /** Where the edges the existing rules take are set aside (a SortedSpill), as `spill` for the others. */
  ruleSpill?: EdgeRowSpill
  /** Also drop generated-looking allow rules (exact values, no comment) that matched nothing. */
  prune?: boolean
  /** Where the edges no rule allows yet are set aside (a SortedSpill of @fm/store) instead of held: the new rules are written from it. */
  spill?: EdgeRowSpill
}

/** An existing baseline file by its lines (see WriteBaselineOptions.existing). */
export interface ExistingLines {
  file: string
  lines: Iterable<string>
  text: () => string
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
#       it contains "/" ("/usr/sbin/*"); * and ? are wildcards, \\ makes the next character literal
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
  const w = new BaselineWriter(opts)
  for (const e of obs.entries) w.add(e)
  return w.finish(obs.captures)
}

/**
 * writeBaseline one entry at a time, so entries can stream from an analysis and only the edges
 * are held. Example: `const w = new BaselineWriter(opts); w.add(e); ...; w.finish(captures, minSeen)`
 */
export class BaselineWriter {
  private readonly doc: Doc | null
  /** The level of the rules: the existing baseline's, else the option's (service by default). */
  readonly level: Level
  private readonly checker: BaselineChecker
  /** An existing baseline read by its lines: the lines again, and what was learnt of its allow rules. */
  private readonly streamed: {lines: Iterable<string>; file: string; allow: AllowLines} | null = null

  constructor(private readonly opts: WriteBaselineOptions = {}) {
    const existing = opts.existing
    if (existing && 'lines' in existing) {
      const allow = new AllowLines()
      const rules = readBaselineLines(existing.lines, existing.file, opts.rules ?? new MemoryRuleStore(), (line, text) => allow.onLine(line, text))
      if (rules) {
        this.level = checkLevel(existing.file, rules.level, opts.level)
        this.doc = null
        this.streamed = {lines: existing.lines, file: existing.file, allow}
        this.checker = new BaselineChecker(rules, {unexpected: opts.spill, rules: opts.ruleSpill})
        return
      }
    }
    const source = existing ? {text: 'lines' in existing ? existing.text() : existing.text, file: existing.file} : {text: TEMPLATE, file: 'template'}
    const {doc, baseline} = parseBaselineDocument(source.text, source.file)
    this.level = existing ? checkLevel(existing.file, baseline.level, opts.level) : (opts.level ?? 'service')
    if (!existing) doc.set('level', this.level)
    this.doc = doc
    this.checker = new BaselineChecker({...baseline, level: this.level}, {unexpected: opts.spill})
  }

  add(e: MatrixEntry): void {
    this.checker.add(e)
  }

  /** The baseline text for the entries added, from `captures` (edges seen in fewer than `minSeen` of them are left out). */
  finish(captures: CaptureInfo[], minSeen = this.opts.minSeen ?? 1): WriteBaselineResult {
    let text = ''
    const result = this.finishTo((t) => (text += t), captures, minSeen)
    return {text, ...result}
  }

  /** finish(), the text handed to `write` piece by piece (a rule at a time): with a spill, no new rule is held. */
  finishTo(write: (text: string) => void, captures: CaptureInfo[], minSeen = this.opts.minSeen ?? 1): Omit<WriteBaselineResult, 'text'> {
    const {report, unexpected} = this.checker.streamedReport(captures, {minSeen})
    const prune = this.opts.prune === true
    if (!this.streamed) {
      const matched: number[] = []
      if (prune) for (const r of report.rules('allow')) matched.push(r.matched)
      return regenerate(this.doc!, this.level, report, unexpected, write, (item, i) => prune && matched[i] === 0 && looksGenerated(item), 0)
    }
    // the allow rules that matched nothing (those --prune may drop)
    const unused = new Bits()
    if (prune) {
      let i = 0
      for (const r of report.rules('allow')) if (r.matched === 0) unused.set(i++)
      else i++
    }
    const {lines, file, allow} = this.streamed
    const token = `fm-run-${randomBytes(8).toString('hex')}-`
    // the file without its plain allow rule lines: a placeholder item for each run of them
    const skeleton: string[] = []
    const items: number[] = []
    let keptPlain = 0
    let removedPlain = 0
    const keep = (i: number, generated: boolean): boolean => {
      const drop = generated && unused.has(i)
      if (drop) removedPlain++
      else keptPlain++
      return !drop
    }
    for (const ev of allow.walk(lines, keep)) {
      if (ev.kind === 'line') {
        skeleton.push(ev.text)
        if (ev.index >= 0) items.push(ev.index)
      } else if (ev.kind === 'run') {
        skeleton.push(`${' '.repeat(ev.indent)}- ${token}${ev.run}`)
        items.push(-1)
      }
    }
    const {doc} = yamlDocument(skeleton.join('\n'), file)
    // the same lines again, for the text: the same rules kept
    const expand = new RunExpander(token, allow.walk(lines, (i, generated) => !(generated && unused.has(i))), write)
    const result = regenerate(doc, this.level, report, unexpected, (t) => expand.write(t), (item, k) => items[k] >= 0 && unused.has(items[k]) && looksGenerated(item), keptPlain - (items.filter((i) => i < 0).length))
    expand.end()
    return {...result, removed: result.removed + removedPlain}
  }
}

/** The level of an existing baseline, which a level asked for must agree with. */
function checkLevel(file: string, level: Level, asked: Level | undefined): Level {
  if (asked && asked !== level) throw new UsageError(`${file} is a ${level}-level baseline; drop \`level\` or write a new file for level ${asked}`)
  return level
}

/**
 * Hands text on to `write`, each placeholder line of a run replaced by the run's rule lines
 * (read from the file again by `events`, in order), indented as the printer put the placeholder.
 */
class RunExpander {
  private partial = ''
  private next: IteratorResult<LineEvent> | null = null

  constructor(
    private readonly token: string,
    private readonly events: Iterator<LineEvent>,
    private readonly out: (text: string) => void,
  ) {}

  write(text: string): void {
    const s = this.partial + text
    const last = s.lastIndexOf('\n')
    if (last < 0) {
      this.partial = s
      return
    }
    this.partial = s.slice(last + 1)
    this.lines(s.slice(0, last + 1))
  }

  end(): void {
    const rest = this.partial
    this.partial = ''
    if (rest) this.lines(rest)
  }

  private lines(text: string): void {
    if (!text.includes(this.token)) return this.out(text)
    const lines = text.split('\n')
    lines.forEach((line, i) => {
      const at = line.indexOf(this.token)
      const nl = i < lines.length - 1 ? '\n' : ''
      if (at < 0) return this.out(line + nl)
      const run = Number(line.slice(at + this.token.length))
      const prefix = line.slice(0, at)
      let first = true
      for (;;) {
        const ev = this.peek()
        if (ev === null) break
        if (ev.kind === 'kept' && ev.run === run) {
          this.out(`${first ? '' : '\n'}${prefix}${ev.body}`)
          first = false
        } else if (ev.kind === 'run' && ev.run > run) break
        this.next = null
      }
      this.out(nl)
    })
  }

  private peek(): LineEvent | null {
    this.next ??= this.events.next()
    return this.next.done ? null : this.next.value
  }
}

/**
 * The baseline text: `doc` with the allow items `drop` says (an item and its index in the
 * sequence) left out and rules for the new edges appended; `hidden` rules kept outside the
 * document count as kept.
 */
function regenerate(doc: Doc, level: Level, report: CheckReportParts, unexpected: () => Iterable<CheckedEdge>, write: (text: string) => void, drop: (item: Node, index: number) => boolean, hidden: number): Omit<WriteBaselineResult, 'text'> {
  // the edges no rule allows yet, seen often enough: read twice (counted, then written), never listed
  const fresh = function* (): Generator<CheckedEdge> {
    for (const e of unexpected()) if (e.status === 'unexpected') yield e
  }
  let freshCount = 0
  for (const it = fresh(); !it.next().done; ) freshCount++

  let allow = doc.get('allow', true) as Node | undefined
  if (!isSeq(allow)) {
    allow = new YAMLSeq()
    doc.set('allow', allow)
  }
  const seq = allow as YAMLSeq
  let removed = 0
  seq.items = seq.items.filter((item, i) => {
    const dropped = drop(item as Node, i)
    if (dropped) removed++
    return !dropped
  })
  const kept = seq.items.length + hidden
  if (freshCount > 0 && seq.items.length === 0) seq.flow = false
  withRules(doc, seq, (function* () {
    for (const e of fresh()) yield ruleNode(doc, e, level, report.sources[0] ?? 'input')
  })(), freshCount, write)
  return {
    level,
    added: freshCount,
    kept,
    removed,
    edges: report.counts.allowed + report.counts.ignored + freshCount,
  }
}

const STYLE = {lineWidth: 0, flowCollectionPadding: false}

/** The allow rule of an edge as a flow mapping node. */
function ruleNode(doc: Doc, e: Edge, level: Level, source: string): YAMLMap {
  const node = doc.createNode(ruleFor(e, level, source)) as YAMLMap
  node.flow = true
  // Names come from the dump: anything beyond a plain word is double-quoted, the one YAML
  // style that can carry every character (newlines, NUL, quotes) inside a flow mapping.
  for (const p of node.items) {
    if (isScalar(p.value) && typeof p.value.value === 'string' && !plainSafe(p.value.value)) p.value.type = 'QUOTE_DOUBLE'
  }
  return node
}

/**
 * The document's text with `rules` appended to the allow sequence. A block sequence gets one
 * marker item, and each rule is written alone on the marker's line: tens of thousands of new
 * rules never sit in the YAML document at once (its nodes cost far more than their text).
 */
function withRules(doc: Doc, seq: YAMLSeq, rules: Iterable<YAMLMap>, count: number, write: (text: string) => void): void {
  if (count === 0 || seq.flow) {
    for (const r of rules) seq.items.push(r)
    return write(doc.toString(STYLE))
  }
  const marker = `fm-new-rules-${randomBytes(8).toString('hex')}`
  seq.items.push(doc.createNode(marker))
  const text = doc.toString(STYLE)
  const at = text.indexOf(marker)
  const start = text.lastIndexOf('\n', at) + 1
  const end = text.indexOf('\n', at)
  const prefix = text.slice(start, at)
  write(text.slice(0, start))
  let first = true
  for (const r of rules) {
    write(`${first ? '' : '\n'}${prefix}${new Document(r).toString(STYLE).trimEnd()}`)
    first = false
  }
  write(text.slice(end))
}

/**
 * The allow rule for one edge, fields in reading order: client → server, protocol, port. Every
 * value is the observed one with glob characters escaped, so the rule allows that edge and no
 * other: a process named `*` must not allow every process.
 */
function ruleFor(e: Edge, level: Level, source: string): Record<string, string | number> {
  const literal = (field: string, value: string): string => {
    const p = escapeGlob(value)
    if (p.length > MAX_PATTERN_LENGTH) {
      throw new InputError(source, `a ${field} of ${value.length} characters (${JSON.stringify(value.slice(0, 40))}...) is longer than a baseline pattern may be (${MAX_PATTERN_LENGTH})`)
    }
    return p
  }
  const r: Record<string, string | number> = {}
  if (level !== 'service') r.client_host = e.client.host === null ? '*' : literal('client host name', e.client.host)
  r.client = literal('client service name', e.client.service)
  if (level !== 'service') r.server_host = e.server.host === null ? '*' : literal('server host name', e.server.host)
  r.server = literal('server service name', e.server.service)
  r.protocol = literal('protocol', e.protocol)
  r.port = e.port ?? '*'
  return r
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

