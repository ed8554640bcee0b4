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

class Unsure extends Error {}
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
    // a rule fm writes is far shorter (four names of at most 4,096 characters, a port)
    if (end - start > MAX_LINE) unsure()
    const line = text.slice(start, end)
    const body = line.trimStart()
    if (body === '' || body.startsWith('#')) {
      // blank and comment lines
    } else if (line[0] !== ' ' && !line.startsWith('- ')) {
      const m = TOP.exec(withoutComment(line))
      if (!m || top.has(m[1])) unsure()
      const [, key, value = ''] = m!
      const at = start + key.length + 1 + (line.length - key.length - 1 - line.slice(key.length + 1).trimStart().length)
      list = null
      if (key === 'version') top.set(key, {node: scalarAt(value === '1' ? 1 : unsure(), at, at + 1), keyAt: start})
      else if (key === 'level') top.set(key, {node: value === 'service' || value === 'host' || value === 'group' ? scalarAt(value, at, at + value.length) : unsure(), keyAt: start})
      else if (value === '[]') {
        const seq = new YAMLSeq()
        seq.range = [at, at + 2, at + 2]
        top.set(key, {node: seq, keyAt: start})
      } else if (value === '') {
        const seq = new YAMLSeq()
        top.set(key, {node: seq, keyAt: start})
        list = {seq, indent: -1}
      } else unsure()
    } else {
      const indent = line.length - body.length
      if (!list || !body.startsWith('- {') || (list.indent >= 0 && list.indent !== indent)) unsure()
      list!.indent = indent
      list!.seq.items.push(flowMap(text, start + indent + 2, end))
    }
    start = end + 1
  }
  // a list key with no items is null in YAML
  for (const [k, v] of top) if (v.node instanceof YAMLSeq && v.node.items.length === 0 && v.node.range == null) top.set(k, {node: null, keyAt: v.keyAt})
  return {lc, top}
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
