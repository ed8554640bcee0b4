import {InputError} from '@fm/model'
import {isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair} from 'yaml'
import {isAddressRange} from './address-range.js'
import {MAX_PATTERN_LENGTH} from './glob.js'
import {parseSimpleBaseline, simpleLine, Unsure, type SimpleLine} from './parse-simple.js'
import {RuleList, ALLOW_LIST, IGNORE_LIST, type BaselineRules, type RuleStore} from './rule-list.js'
import type {Baseline, Level, PortRange, Rule} from './types.js'

const TOP_KEYS = ['version', 'level', 'allow', 'require', 'ignore']
const PATTERN_FIELDS = {protocol: 'protocol', client: 'client', server: 'server', process: 'process', client_host: 'clientHost', server_host: 'serverHost', host: 'host'} as const
const ADDRESS_FIELDS = {address: 'address', client_address: 'clientAddress', server_address: 'serverAddress'} as const
/** Every key a rule may have, as written in YAML. */
export const RULE_KEYS = [...Object.keys(PATTERN_FIELDS), 'port', ...Object.keys(ADDRESS_FIELDS), 'loopback', 'reason']

/** A baseline YAML document with a way to say where a node is. */
export interface ParsedBaselineDocument {
  doc: Document
  baseline: Baseline
}

/**
 * Parses and validates a baseline. Every problem is an InputError naming the file, line and column:
 * a malformed baseline must never pass a check by accident.
 */
export function parseBaseline(text: string, file: string): Baseline {
  // The line-per-rule form fm writes is read without the general YAML parser; anything else, and
  // any problem (for its message), goes through the YAML parser.
  const simple = parseSimpleBaseline(text)
  if (simple) {
    try {
      return fromNodes((k) => simple.top.get(k)?.node ?? undefined, {range: [0, 0, 0]}, text, simple.lc, file)
    } catch (e) {
      if (!(e instanceof InputError)) throw e
    }
  }
  return parseBaselineDocument(text, file).baseline
}

/**
 * parseBaseline of a file read a line at a time (`lines`: its lines, split at each line break),
 * the allow and ignore rules put in `store` as they are read, so a baseline of a million rules
 * is never in memory. Only the line-per-rule form fm writes is read so; for anything else, and
 * for any problem, null: the caller parses the whole text instead (parseBaseline, whose message
 * names the problem). `onLine` sees each line as it was read (for regenerating the file).
 */
export function readBaselineLines(lines: Iterable<string>, file: string, store: RuleStore, onLine?: (line: SimpleLine, text: string) => void): BaselineRules | null {
  const seen = new Map<string, Node>()
  const lists = {ignore: new RuleList(store, IGNORE_LIST), allow: new RuleList(store, ALLOW_LIST), require: [] as Rule[]}
  let list: {key: 'ignore' | 'allow' | 'require'; indent: number} | null = null
  let n = 0
  try {
    for (const text of lines) {
      n++
      if (/[\r\t\ufeff]/.test(text)) return null
      const line = simpleLine(text, 0, text.length)
      onLine?.(line, text)
      if (line.kind === 'top') {
        if (seen.has(line.key)) return null
        seen.set(line.key, line.node)
        list = line.opens ? {key: line.key as 'ignore' | 'allow' | 'require', indent: -1} : null
      } else if (line.kind === 'item') {
        if (!list || (list.indent >= 0 && list.indent !== line.indent)) return null
        list.indent = line.indent
        // the rule's line and columns are those of the one line read
        const lc = {linePos: (offset: number) => ({line: n, col: offset + 1})} as LineCounter
        const rule = parseRule(line.map, text, lc, failAt(lc, file), list.key)
        if (list.key === 'require') lists.require.push(rule)
        else lists[list.key].add(rule)
      }
    }
    // the checks of fromNodes on the top-level values (any failure: null, and parseBaseline says why)
    const version = seen.get('version')
    if (!isScalar(version) || version.value !== 1) return null
    const level = seen.get('level')
    return {level: level === undefined ? 'service' : ((level as {value: Level}).value), ...lists}
  } catch (e) {
    // RangeError: a regular expression's backtracking ran out of stack on some huge value
    if (e instanceof Unsure || e instanceof RangeError || e instanceof InputError) return null
    throw e
  }
}

/** parseBaseline, also returning the YAML document (to regenerate it with its comments). */
export function parseBaselineDocument(text: string, file: string): ParsedBaselineDocument {
  checkLineLengths(text, file)
  const {doc, lc, fail} = yamlDocument(text, file)
  const root = doc.contents
  if (!isMap(root)) return fail(root, 'a baseline is a mapping with keys version, level, allow, require and ignore')
  for (const p of root.items) {
    const k = keyOf(p)
    if (!TOP_KEYS.includes(k)) fail(p.key as Node, `unknown key ${JSON.stringify(k)} (expected one of ${TOP_KEYS.join(', ')})`)
  }
  return {doc, baseline: fromNodes((k) => root.get(k, true) as Node | undefined, root, text, lc, file)}
}

/** The longest line a baseline may have: far more than any rule fm writes (patterns are at most 4,096 characters). */
const MAX_LINE = 1 << 20

/** A huge line is refused before YAML parsing (which a 50 MB literal kept busy for minutes). */
function checkLineLengths(text: string, file: string): void {
  for (let start = 0, line = 1; start < text.length; line++) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    if (end - start > MAX_LINE) {
      throw new InputError(file, `line ${line}: ${end - start} characters long; a baseline line may be at most ${MAX_LINE} (and a pattern at most ${MAX_PATTERN_LENGTH})`)
    }
    start = end + 1
  }
}

function failAt(lc: LineCounter, file: string): Fail {
  return (node, detail) => {
    const pos = lc.linePos(node?.range?.[0] ?? 0)
    throw new InputError(file, `line ${pos.line}, column ${pos.col}: ${detail}`)
  }
}

/** The baseline from its top-level values, each checked. */
function fromNodes(get: (key: string) => Node | undefined, root: {range?: [number, number, number] | null}, text: string, lc: LineCounter, file: string): Baseline {
  const fail = failAt(lc, file)
  const version = get('version')
  if (!isScalar(version) || version.value !== 1) fail(version ?? root, 'version: 1 is required (the only baseline version this fm reads)')
  const levelNode = get('level')
  const level = (levelNode === undefined ? 'service' : isScalar(levelNode) ? levelNode.value : null) as Level
  if (level !== 'service' && level !== 'host' && level !== 'group') fail(levelNode, 'level must be "service", "host" or "group"')
  const rules = (key: string): Rule[] => {
    const node = get(key)
    if (node === undefined || (isScalar(node) && node.value === null)) return []
    if (!isSeq(node)) return fail(node, `${key} must be a list of rules`)
    return node.items.map((item) => parseRule(item as Node, text, lc, fail, key))
  }
  return {version: 1, level, allow: rules('allow'), require: rules('require'), ignore: rules('ignore')}
}

export type Fail = (node: {range?: [number, number, number] | null} | null | undefined, detail: string) => never

/**
 * A YAML document of fm (baselines, groups files), with `fail` throwing an InputError that names
 * the file, line and column of a node. Invalid YAML fails here, at the first error's position.
 */
export function yamlDocument(text: string, file: string): {doc: Document; lc: LineCounter; fail: Fail} {
  const lc = new LineCounter()
  const doc = parseDocument(text, {lineCounter: lc, prettyErrors: true, uniqueKeys: true})
  const fail = failAt(lc, file)
  const err = doc.errors[0]
  if (err) {
    const pos = err.linePos?.[0] ?? lc.linePos(err.pos[0])
    throw new InputError(file, `line ${pos.line}, column ${pos.col}: not valid YAML: ${err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`)
  }
  return {doc, lc, fail}
}

function parseRule(item: Node, text: string, lc: LineCounter, fail: Fail, list: string): Rule {
  if (!isMap(item)) return fail(item, `each ${list} entry must be a mapping such as {client: web, server: db, protocol: TCP, port: 5432}`)
  const rule: Rule = {line: lc.linePos(item.range?.[0] ?? 0).line, text: ''}
  const parts: string[] = []
  for (const p of item.items) {
    const k = keyOf(p)
    const v = p.value as Node | null
    if (!RULE_KEYS.includes(k)) fail(p.key as Node, `unknown rule field ${JSON.stringify(k)} (expected one of ${RULE_KEYS.join(', ')})`)
    if (v === null || (isScalar(v) && v.value === null)) fail(p.key as Node, `${k} has no value`)
    parts.push(`${k}: ${text.slice(v!.range![0], v!.range![1]).replace(/\s+/g, ' ')}`)
    if (k in PATTERN_FIELDS) rule[PATTERN_FIELDS[k as keyof typeof PATTERN_FIELDS]] = strings(v!, k, fail)
    else if (k in ADDRESS_FIELDS) {
      const list = strings(v!, k, fail)
      for (const r of list) if (!isAddressRange(r)) fail(v, `${k}: ${JSON.stringify(r)} is no address, CIDR range or glob`)
      rule[ADDRESS_FIELDS[k as keyof typeof ADDRESS_FIELDS]] = list
    } else if (k === 'port') rule.port = ports(v!, fail)
    else if (k === 'loopback') {
      if (!isScalar(v) || typeof v.value !== 'boolean') fail(v, 'loopback must be true or false')
      rule.loopback = (v as {value: boolean}).value
    } else if (k === 'reason') {
      if (!isScalar(v)) fail(v, 'reason must be text')
      rule.reason = String((v as {value: unknown}).value)
    }
  }
  // `reason` only explains: a rule with nothing else would match everything
  if (item.items.every((p) => keyOf(p) === 'reason')) {
    fail(item, `${item.items.length === 0 ? 'an empty' : 'a reason-only'} ${list} rule would match everything: give at least one field to match (${RULE_KEYS.filter((k) => k !== 'reason').join(', ')})`)
  }
  rule.text = `{${parts.join(', ')}}`
  return rule
}

export function keyOf(p: Pair): string {
  return isScalar(p.key) ? String(p.key.value) : String(p.key)
}

export function strings(v: Node, k: string, fail: Fail): string[] {
  const items = isSeq(v) ? (v.items as Node[]) : [v]
  if (items.length === 0) fail(v, `${k} is an empty list: it would never match`)
  return items.map((x) => {
    if (!isScalar(x) || x.value === null || typeof x.value === 'object') return fail(x, `${k} must be text (a name or a glob such as "web-*") or a list of them`)
    const p = String(x.value)
    if (p.length > MAX_PATTERN_LENGTH) fail(x, `${k}: a pattern of ${p.length} characters (${JSON.stringify(p.slice(0, 20))}...) is longer than the ${MAX_PATTERN_LENGTH} a baseline pattern may be`)
    return p
  })
}

function ports(v: Node, fail: Fail): PortRange[] {
  const items = isSeq(v) ? (v.items as Node[]) : [v]
  if (items.length === 0) fail(v, 'port is an empty list: it would never match')
  return items.map((x) => {
    const s = isScalar(x) ? String(x.value).trim() : ''
    return parsePortRange(s) ?? fail(x, `port must be a number 0-65535, a range "from-to", "*", or a list of them; got ${JSON.stringify(s.slice(0, 40))}`)
  })
}

/** A port (`5432`), a range (`8000-8999`) or `*`; null for anything else. */
export function parsePortRange(text: string): PortRange | null {
  const s = text.trim()
  if (s === '*') return {from: 0, to: 65535}
  const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(s)
  if (!m) return null
  const from = Number(m[1])
  const to = Number(m[2] ?? m[1])
  return to > 65535 || from > to ? null : {from, to}
}
