import {LineCounter, Pair, Scalar, YAMLMap, YAMLSeq, type Node} from 'yaml'

/** What the fast reader found: the top-level values as YAML nodes, with ranges into the text. */
export interface SimpleBaseline {
  lc: LineCounter
  top: Map<string, {node: Node | null; keyAt: number}>
}

// The shapes fm baseline writes and people usually add: one flow mapping per line, values plain
// words, double-quoted strings with JSON's escapes, or flow lists of them.
const TOP = /^(version|level|allow|require|ignore):(?: +(.*?))?$/
const KEY = /[a-z_]+/y
const PLAIN = /[A-Za-z0-9_/][A-Za-z0-9_.@+\-*?/()=;$^~!%&|<>]*(?: [A-Za-z0-9_.@+\-*?/()=;$^~!%&|<>]+)*/y
// JSON's escapes mean the same in YAML; lone surrogates, controls and line separators are left to the YAML parser
const QUOTED = /"(?:[^"\\\u0000-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff]|\\["\\/bfnrt]|\\u(?![dD][89a-fA-F])[0-9a-fA-F]{4})*"/y
const YAML_NUMBER = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/

const MAX_LINE = 128 * 1024

/** Thrown for a line the fast reader is not sure of. */
export class Unsure extends Error {}
const unsure = (): never => {
  throw new Unsure()
}

/**
 * Reads a baseline in the line-per-rule form fm writes without the general YAML parser (a
 * 300,000-rule baseline took it a minute and 2 GB), building the same nodes, with the same
 * ranges, that parsing would. Returns null for anything it is not sure of (anchors, block
 * mappings, single quotes, YAML-only escapes, tabs...): the caller then parses the whole text as
 * YAML, so every baseline means exactly what YAML says.
 */
export function parseSimpleBaseline(text: string): SimpleBaseline | null {
  if (/[\r\t\ufeff]/.test(text)) return null
  try {
    return read(text)
  } catch (e) {
    // RangeError: a regular expression's backtracking ran out of stack on some huge value
    if (e instanceof Unsure || e instanceof RangeError) return null
    throw e
  }
}

function read(text: string): SimpleBaseline {
  const lc = new LineCounter()
  const top = new Map<string, {node: Node | null; keyAt: number}>()
  let list: {seq: YAMLSeq; indent: number} | null = null
  let start = 0
  while (start <= text.length) {
    lc.addNewLine(start)
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    const line = simpleLine(text, start, end)
    if (line.kind === 'top') {
      if (top.has(line.key)) unsure()
      top.set(line.key, {node: line.node, keyAt: start})
      list = line.opens ? {seq: line.node as YAMLSeq, indent: -1} : null
    } else if (line.kind === 'item') {
      if (!list || (list.indent >= 0 && list.indent !== line.indent)) unsure()
      list!.indent = line.indent
      list!.seq.items.push(line.map)
    }
    start = end + 1
  }
  // a list key with no items is null in YAML
  for (const [k, v] of top) if (v.node instanceof YAMLSeq && v.node.items.length === 0 && v.node.range == null) top.set(k, {node: null, keyAt: v.keyAt})
  return {lc, top}
}

/**
 * One line of the line-per-rule form (`text` from `start` to `end`, a line break or the end):
 * blank or a comment; a top-level key with its value (`opens`: a list of rule lines follows);
 * or a rule, a flow mapping after `- ` (`comment`: a comment follows it). Node ranges are
 * offsets into `text`. Throws Unsure for anything else.
 */
export type SimpleLine = {kind: 'skip'} | {kind: 'top'; key: string; node: Node; opens: boolean} | {kind: 'item'; indent: number; map: YAMLMap; comment: boolean}

export function simpleLine(text: string, start: number, end: number): SimpleLine {
  // a rule fm writes is far shorter (four names of at most 4,096 characters, a port)
  if (end - start > MAX_LINE) unsure()
  const line = text.slice(start, end)
  const body = line.trimStart()
  if (body === '' || body.startsWith('#')) return {kind: 'skip'}
  if (line[0] !== ' ' && !line.startsWith('- ')) {
    const m = TOP.exec(withoutComment(line))
    if (!m) unsure()
    const [, key, value = ''] = m!
    const at = start + key.length + 1 + (line.length - key.length - 1 - line.slice(key.length + 1).trimStart().length)
    if (key === 'version') return {kind: 'top', key, node: scalarAt(value === '1' ? 1 : unsure(), at, at + 1), opens: false}
    if (key === 'level') return {kind: 'top', key, node: value === 'service' || value === 'host' || value === 'group' ? scalarAt(value, at, at + value.length) : unsure(), opens: false}
    const seq = new YAMLSeq()
    if (value === '[]') {
      seq.range = [at, at + 2, at + 2]
      return {kind: 'top', key, node: seq, opens: false}
    }
    if (value === '') return {kind: 'top', key, node: seq, opens: true}
    unsure()
  }
  const indent = line.length - body.length
  if (!body.startsWith('- {')) unsure()
  const map = flowMap(text, start + indent + 2, end)
  return {kind: 'item', indent, map, comment: map.range![1] < end}
}

/** A top-level line without its trailing comment (a `#` after a space). */
function withoutComment(line: string): string {
  const i = line.indexOf(' #')
  return (i < 0 ? line : line.slice(0, i)).trimEnd()
}

function scalarAt(value: unknown, from: number, to: number): Scalar {
  const s = new Scalar(value)
  s.range = [from, to, to]
  return s
}

/** The flow mapping `{k: v, ...}` at `at`, which must end the line (but for a comment). */
function flowMap(text: string, at: number, end: number): YAMLMap {
  const map = new YAMLMap()
  const keys = new Set<string>()
  let i = at + 1
  i = spaces(text, i)
  if (text[i] === '}') unsure()
  for (;;) {
    KEY.lastIndex = i
    const k = KEY.exec(text)
    if (!k || keys.has(k[0])) unsure()
    keys.add(k![0])
    const key = k![0]
    i += key.length
    if (text[i] !== ':' || text[i + 1] !== ' ') unsure()
    i = spaces(text, i + 1)
    const [value, next] = text[i] === '[' ? flowSeq(text, i) : scalar(text, i)
    // a plain key and pair object: what the rule reader looks at, at a fraction of the cost
    map.items.push({key, value} as unknown as Pair)
    i = spaces(text, next)
    if (text[i] === ',') {
      i = spaces(text, i + 1)
      continue
    }
    if (text[i] !== '}') unsure()
    break
  }
  map.range = [at, i + 1, i + 1]
  i = spaces(text, i + 1)
  if (i < end && !(text[i] === '#' && text[i - 1] === ' ')) unsure()
  return map
}

function flowSeq(text: string, at: number): [YAMLSeq, number] {
  const seq = new YAMLSeq()
  let i = spaces(text, at + 1)
  if (text[i] === ']') unsure()
  for (;;) {
    const [item, next] = scalar(text, i)
    seq.items.push(item)
    i = spaces(text, next)
    if (text[i] === ',') {
      i = spaces(text, i + 1)
      continue
    }
    if (text[i] !== ']') unsure()
    break
  }
  seq.range = [at, i + 1, i + 1]
  return [seq, i + 1]
}

/** A plain or double-quoted scalar at `at`, typed as YAML's core schema would (or unsure). */
function scalar(text: string, at: number): [Scalar, number] {
  if (text[at] === '"') {
    QUOTED.lastIndex = at
    const m = QUOTED.exec(text)
    if (!m) unsure()
    const to = at + m![0].length
    return [scalarAt(JSON.parse(m![0]) as string, at, to), to]
  }
  PLAIN.lastIndex = at
  const m = PLAIN.exec(text)
  if (!m) unsure()
  const word = m![0]
  const to = at + word.length
  // in flow context a plain scalar stops at ", " or "}" or "]"; anything else glued on is not ours
  if (to < text.length && !/[ ,}\]\n]/.test(text[to])) unsure()
  let value: string | number | boolean = word
  if (/^(?:0|[1-9][0-9]{0,14})$/.test(word)) value = Number(word)
  else if (/^(?:true|True|TRUE)$/.test(word)) value = true
  else if (/^(?:false|False|FALSE)$/.test(word)) value = false
  else if (/^(?:null|Null|NULL)$/.test(word) || YAML_NUMBER.test(word)) unsure()
  return [scalarAt(value, at, to), to]
}

function spaces(text: string, i: number): number {
  while (text[i] === ' ') i++
  return i
}
