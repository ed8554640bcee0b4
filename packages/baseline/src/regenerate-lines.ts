import {isScalar, type YAMLMap} from 'yaml'
import {plainSafe} from './escape.js'
import {isGlob} from './glob.js'
import type {SimpleLine} from './parse-simple.js'

/**
 * What regenerating a baseline from its lines needs to know of each allow rule, gathered while
 * the file is first read (readBaselineLines' onLine): which rule lines are *plain* — a flow
 * mapping written exactly as the YAML printer writes it (fm's own rule lines), no comment on it,
 * nothing but rule lines around it — and which of those look generated (for --prune). Plain
 * lines print as themselves: regenerating leaves them out of the YAML document (a run of them
 * is one placeholder item) and copies them back into its text, so a baseline of a million rules
 * is never a document in memory.
 */
export class AllowLines {
  private readonly plain = new Bits()
  private readonly generated = new Bits()
  private key: string | null = null
  private index = -1
  /** The previous line is a rule line without a comment, or the bare `allow:` line. */
  private quietBefore = false
  /** The allow rule of the previous line, when plain but for what follows it. */
  private pending = -1

  onLine(line: SimpleLine, text: string): void {
    const pending = this.pending
    this.pending = -1
    if (line.kind !== 'item') {
      this.quietBefore = line.kind === 'top' && text === `${line.key}:`
      if (line.kind === 'top') this.key = line.key
      return
    }
    // a rule line followed by another rule line
    if (pending >= 0) this.plain.set(pending)
    const quiet = this.quietBefore
    this.quietBefore = !line.comment
    if (this.key !== 'allow') return
    this.index++
    if (quiet && !line.comment && printedAs(line.map, text)) {
      this.pending = this.index
      if (generatedLooking(line.map)) this.generated.set(this.index)
    }
  }

  /**
   * The lines of the file again (`lines`, read anew), with the plain allow rules gathered into
   * runs: each other line as it is (and its allow rule's index, or -1), a run's start, and each
   * plain rule `keep` keeps, with the run it belongs to. Runs are numbered from 0 in file order.
   */
  *walk(lines: Iterable<string>, keep: (index: number, generated: boolean) => boolean): Generator<LineEvent> {
    let key: string | null = null
    let index = -1
    let run = -1
    let inRun = false
    for (const text of lines) {
      const body = text.trimStart()
      if (body === '' || body.startsWith('#')) {
        inRun = false
        yield {kind: 'line', text, index: -1}
        continue
      }
      if (text[0] !== ' ' && !text.startsWith('- ')) {
        key = text.slice(0, text.indexOf(':'))
        inRun = false
        yield {kind: 'line', text, index: -1}
        continue
      }
      if (key !== 'allow') {
        inRun = false
        yield {kind: 'line', text, index: -1}
        continue
      }
      index++
      if (!this.plain.has(index)) {
        inRun = false
        yield {kind: 'line', text, index}
        continue
      }
      if (!keep(index, this.generated.has(index))) continue
      if (!inRun) {
        inRun = true
        yield {kind: 'run', run: ++run, indent: text.length - body.length}
      }
      yield {kind: 'kept', run, body: body.slice(2)}
    }
  }
}

export type LineEvent = {kind: 'line'; text: string; index: number} | {kind: 'run'; run: number; indent: number} | {kind: 'kept'; run: number; body: string}

/**
 * True when the YAML printer (flow mapping, no padding, no line width) writes the mapping as the
 * line has it: plain keys, `key: value` joined by `, `, each value plain and unambiguous (a word,
 * a number without leading zeros, true or false), or double-quoted with no escape but \" and \\.
 */
function printedAs(map: YAMLMap, text: string): boolean {
  const parts: string[] = []
  for (const p of map.items) {
    const v = p.value
    if (!isScalar(v) || !v.range) return false
    const src = text.slice(v.range[0], v.range[1])
    const value = v.value
    const ok =
      typeof value === 'string'
        ? src.startsWith('"')
          ? src === JSON.stringify(value) && !src.replace(/\\["\\]/g, '').includes('\\')
          : src === value && plainSafe(value)
        : typeof value === 'number'
          ? /^(?:0|[1-9][0-9]*)$/.test(src)
          : src === 'true' || src === 'false'
    if (!ok) return false
    parts.push(`${String(p.key)}: ${src}`)
  }
  return text.slice(map.range![0], map.range![1]) === `{${parts.join(', ')}}`
}

const GENERATED = new Set(['client_host', 'client', 'server_host', 'server', 'protocol', 'port'])

/** looksGenerated (write-baseline) of a plain line's mapping, which has no comments. */
function generatedLooking(map: YAMLMap): boolean {
  return map.items.every((p) => GENERATED.has(String(p.key)) && isScalar(p.value) && !isGlob(String(p.value.value)))
}

/** A growing set of small integers, a bit each. */
export class Bits {
  private bytes = new Uint8Array(1024)

  set(i: number): void {
    if (i >> 3 >= this.bytes.length) {
      const more = new Uint8Array(Math.max(this.bytes.length * 2, (i >> 3) + 1))
      more.set(this.bytes)
      this.bytes = more
    }
    this.bytes[i >> 3] |= 1 << (i & 7)
  }

  has(i: number): boolean {
    return i >> 3 < this.bytes.length && (this.bytes[i >> 3] & (1 << (i & 7))) !== 0
  }
}
