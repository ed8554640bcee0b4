import {isUtf8} from 'node:buffer'
import {InputError} from '@fm/model'
import {ShapeError} from './records.js'
import {locateJsonError} from './json-error.js'
import {convertRecord, WS, type RecordAt, type ScannedRecord} from './convert-record.js'
import {keyStep, longRecord, longString, longToken, MAX_RECORD_BYTES, MAX_STRING_BYTES, pathInRecord} from './limits.js'

export type {ScannedRecord} from './convert-record.js'

type Role = 'elements' | 'graph' | 'nodes' | 'edges' | 'socketsMap'
interface Frame {
  role: Role
  isArray: boolean
  index: number
  key: string | null
  state: State
}

const enum State {
  /** Just opened: a value (array) or a key (object), or the close. */
  First,
  /** After a comma: a value or a key is required. */
  Next,
  /** Object: after a key, the colon. */
  Colon,
  /** Object: after the colon, the value. */
  Value,
  /** After a value: a comma or the close. */
  After,
}

type RecordKind = RecordAt['kind']
interface Pending extends RecordAt {
  /** Index in `buf` where the record starts (0 once earlier bytes moved to `parts`). */
  start: number
  /** Where scanning resumes; may pass the end of `buf` by one after a backslash. */
  scan: number
  depth: number
  inString: boolean
  /** Index in `buf` after the opening quote of the string being scanned (negative once it began in an earlier chunk). */
  str: number
  parts: Buffer[]
}

/** Bytes that end a bare scalar (number, true, false, null). */
const DELIM = new Uint8Array(256)
for (const c of [0x20, 0x09, 0x0a, 0x0d, 0x2c, 0x5d, 0x7d, 0x3a, 0x5b, 0x7b, 0x22]) DELIM[c] = 1

/**
 * A byte-level reader of Skydive JSON responses. It walks the outer structure (the top-level
 * array, a `G` graph's `Nodes`/`Edges`, a `Sockets()` map) itself, finds each record's bytes by
 * tracking strings and nesting, and hands each record's text to JSON.parse: record-level objects
 * are built by V8's parser, everything around them is never materialised. Syntax errors are
 * located to the exact byte; shape errors name the JSON path.
 *
 * Feed chunks with `push`, take `out`, and call `end` at the end of the file.
 */
export class DumpScanner {
  private buf: Buffer = Buffer.alloc(0)
  /** File offset of buf[0]. */
  private base = 0
  private pos = 0
  private stack: Frame[] = []
  private rec: Pending | null = null
  private started = false
  private ended = false
  private bomChecked = false
  /** Cache for nextBackslash: the first backslash at or after bsFrom in buf (-1: none). */
  private bsFrom = Number.MAX_SAFE_INTEGER
  private bsAt = -1
  /** The same cache for the next double quote: a string of many escapes looks its closing quote up once. */
  private qFrom = Number.MAX_SAFE_INTEGER
  private qAt = -1
  /**
   * Chunks held back while a token outside any record (a key, a scalar) is incomplete: they are
   * joined only once they are as large as what is already buffered, so a huge key costs a
   * linear number of copies and rescans instead of one per chunk.
   */
  private held: Buffer[] = []
  private heldBytes = 0
  readonly out: ScannedRecord[] = []

  /**
   * With `rawSockets`, socket arrays of the plain kind are validated from their bytes and
   * handed on as byte ranges (RawSockets) instead of Socket objects.
   */
  constructor(
    private readonly file: string,
    private readonly rawSockets = false,
  ) {}

  /** Takes the next bytes of the file (the chunk must not be reused by the caller). */
  push(chunk: Buffer): void {
    const r = this.rec
    if (r) {
      // Keep the record's bytes so far aside; scanning resumes in the new chunk.
      if (r.start < this.buf.length) r.parts.push(this.buf.subarray(r.start))
      r.scan -= this.buf.length
      r.str -= this.buf.length
      r.start = 0
      this.base += this.buf.length
      this.buf = chunk
      this.pos = 0
    } else {
      const rest = this.buf.length - this.pos
      // held bytes are not scanned: past the token bound they are, to find whether the token ends
      if (rest > 0 && this.heldBytes + chunk.length < rest && rest + this.heldBytes + chunk.length <= MAX_STRING_BYTES) {
        this.held.push(chunk)
        this.heldBytes += chunk.length
        return
      }
      this.base += this.pos
      this.buf = rest > 0 ? Buffer.concat([this.buf.subarray(this.pos), ...this.held, chunk]) : chunk
      this.held = []
      this.heldBytes = 0
      this.pos = 0
    }
    this.bsFrom = Number.MAX_SAFE_INTEGER
    this.qFrom = Number.MAX_SAFE_INTEGER
    if (!this.bomChecked && this.buf.length >= 3) {
      this.bomChecked = true
      if (this.buf[0] === 0xef && this.buf[1] === 0xbb && this.buf[2] === 0xbf) this.pos = 3
    }
    this.run(false)
    // what is left outside a record is one unfinished token (a name, a scalar, `{` and its first name)
    if (!this.rec && this.buf.length - this.pos > MAX_STRING_BYTES) throw longToken(this.file, this.path(), this.base + this.pos)
  }

  /** Checks that the JSON value is complete; `size` is the file's length. */
  end(size: number): void {
    if (this.held.length) {
      this.base += this.pos
      this.buf = Buffer.concat([this.buf.subarray(this.pos), ...this.held])
      this.held = []
      this.heldBytes = 0
      this.pos = 0
      this.bsFrom = Number.MAX_SAFE_INTEGER
      this.qFrom = Number.MAX_SAFE_INTEGER
    }
    this.run(true)
    const rest = this.skipWs(this.pos)
    if (this.rec || this.stack.length > 0 || (rest < this.buf.length && !this.ended)) {
      throw new InputError(this.file, `truncated: the JSON ends at byte ${size} inside ${this.rec?.path ?? this.path()}`)
    }
    if (!this.started) throw new InputError(this.file, 'only white space: expected a Skydive JSON response')
  }

  /** The JSON path of the current position, e.g. `$[0].Nodes[12]`. */
  path(): string {
    let p = '$'
    for (const f of this.stack) {
      if (f.isArray) p += `[${f.index}]`
      else if (f.key !== null) p += keyStep(f.key)
    }
    return p
  }

  private skipWs(i: number): number {
    const b = this.buf
    while (i < b.length && WS[b[i]]) i++
    return i
  }

  private invalid(at: number, expected: string): InputError {
    return new InputError(this.file, `invalid JSON at byte ${this.base + at}, in ${this.path()}: expected ${expected}`)
  }

  private shape(e: unknown): unknown {
    return e instanceof ShapeError ? new InputError(this.file, e.message) : e
  }

  private run(eof: boolean): void {
    try {
      while (this.step(eof));
    } catch (e) {
      throw this.shape(e)
    }
  }

  /** Advances by one token or one record; false when more bytes are needed. */
  private step(eof: boolean): boolean {
    if (this.rec) return this.scanRecord()
    const b = this.buf
    const i = (this.pos = this.skipWs(this.pos))
    if (i >= b.length) return false
    const c = b[i]
    if (this.ended) throw new InputError(this.file, `unexpected data after the end of the JSON value at byte ${this.base + i}`)
    const top = this.stack[this.stack.length - 1]
    if (!top) {
      this.started = true
      if (c === 0x5b) {
        this.stack.push({role: 'elements', isArray: true, index: 0, key: null, state: State.First})
        this.pos = i + 1
        return true
      }
      if (c === 0x7b) return this.peekObject(i, true)
      const s = this.scalar(i, eof)
      if (!s) return false
      throw new ShapeError('$', 'an array or an object (a Skydive response)', s.value)
    }
    switch (top.state) {
      case State.After:
        if (c === 0x2c) {
          top.state = State.Next
          this.pos = i + 1
          return true
        }
        if (c === (top.isArray ? 0x5d : 0x7d)) return this.close(i)
        throw this.invalid(i, top.isArray ? "',' or ']' after an array element" : "',' or '}' after a property value")
      case State.Colon:
        if (c !== 0x3a) throw this.invalid(i, "':' after a property name")
        top.state = State.Value
        this.pos = i + 1
        return true
      case State.Value:
        return this.value(top, i, c, eof)
      default:
        if (top.isArray) {
          if (c === 0x5d && top.state === State.First) return this.close(i)
          return this.value(top, i, c, eof)
        }
        if (c === 0x7d && top.state === State.First) return this.close(i)
        if (c !== 0x22) throw this.invalid(i, 'a double-quoted property name')
        {
          const k = this.string(i)
          if (!k) return false
          top.key = k.value
          top.state = State.Colon
          this.pos = k.end
        }
        return true
    }
  }

  private close(i: number): boolean {
    this.stack.pop()
    this.pos = i + 1
    this.afterValue()
    return true
  }

  private afterValue(): void {
    const top = this.stack[this.stack.length - 1]
    if (!top) {
      this.ended = true
      return
    }
    top.state = State.After
    if (top.isArray) top.index++
  }

  /** A value where `top` expects one: a record, a nested structure fm walks, or something to skip. */
  private value(top: Frame, i: number, c: number, eof: boolean): boolean {
    switch (top.role) {
      case 'elements':
        if (c === 0x7b) return this.peekObject(i, false)
        return this.wrongValue(i, c, eof, 'an object (node, edge, flow, graph or Sockets map)')
      case 'graph':
        if (top.key === 'Nodes' || top.key === 'Edges') {
          if (c === 0x5b) {
            this.stack.push({role: top.key === 'Nodes' ? 'nodes' : 'edges', isArray: true, index: 0, key: null, state: State.First})
            this.pos = i + 1
            return true
          }
          const s = this.scalar(i, eof)
          if (!s) return false
          if (s.value === null && c !== 0x7b && c !== 0x5b) {
            this.pos = s.end
            this.afterValue()
            return true
          }
          throw new ShapeError(this.path(), 'an array', c === 0x7b ? {} : s.value)
        }
        return this.startRecord('skip', i, null, eof)
      case 'nodes':
      case 'edges':
        if (c === 0x7b) return this.startRecord(top.role === 'nodes' ? 'node' : 'edge', i, null, eof)
        return this.wrongValue(i, c, eof, top.role === 'nodes' ? 'a node object' : 'an edge object')
      case 'socketsMap':
        if (c === 0x5b) return this.startRecord('sockets', i, top.key, eof)
        return this.wrongValue(i, c, eof, 'an array of sockets')
    }
  }

  private wrongValue(i: number, c: number, eof: boolean, expected: string): boolean {
    if (c === 0x7b) throw new ShapeError(this.path(), expected, {})
    if (c === 0x5b) throw new ShapeError(this.path(), expected, [])
    const s = this.scalar(i, eof)
    if (!s) return false
    throw new ShapeError(this.path(), expected, s.value)
  }

  /**
   * An object at the top level or in the top-level array: its first key and the first byte of
   * its value say whether it is a `G` graph, a `Sockets()` map, or a node/edge/flow record.
   */
  private peekObject(i: number, atRoot: boolean): boolean {
    const b = this.buf
    let j = this.skipWs(i + 1)
    if (j >= b.length) return false
    if (b[j] === 0x7d) {
      // `{}` alone is no Skydive response (an empty graph still has Nodes); in the array, an empty element
      if (atRoot) throw new InputError(this.file, '$: expected a Skydive response (an array, or an object with Nodes and Edges), got an empty object')
      this.pos = j + 1
      this.afterValue()
      return true
    }
    if (b[j] !== 0x22) {
      this.pos = i
      throw this.invalid(j, 'a double-quoted property name')
    }
    const k = this.string(j)
    if (!k) return false
    j = this.skipWs(k.end)
    if (j >= b.length) return false
    if (b[j] !== 0x3a) throw this.invalid(j, "':' after a property name")
    j = this.skipWs(j + 1)
    if (j >= b.length) return false
    if (k.value === 'Nodes' || k.value === 'Edges') {
      this.stack.push({role: 'graph', isArray: false, index: 0, key: k.value, state: State.Value})
      this.pos = j
      return true
    }
    if (b[j] === 0x5b && !atRoot) {
      this.stack.push({role: 'socketsMap', isArray: false, index: 0, key: k.value, state: State.Value})
      this.pos = j
      return true
    }
    if (atRoot) throw new ShapeError('$', 'a Skydive response (an array, or an object with Nodes and Edges)', {})
    return this.startRecord('element', i, null, false)
  }

  private startRecord(kind: RecordKind, i: number, owner: string | null, eof: boolean): boolean {
    const c = this.buf[i]
    if (c !== 0x7b && c !== 0x5b) {
      // a scalar being skipped
      const s = this.scalar(i, eof)
      if (!s) return false
      this.pos = s.end
      this.afterValue()
      return true
    }
    this.rec = {kind, start: i, scan: i, depth: 0, inString: false, str: 0, parts: [], fileStart: this.base + i, path: this.path(), owner}
    return true
  }

  /** The index of the first backslash at or after i in buf, or -1; escapes are rare, so one search serves many strings. */
  private nextBackslash(i: number): number {
    if (this.bsFrom > i || (this.bsAt !== -1 && this.bsAt < i)) {
      this.bsFrom = i
      this.bsAt = this.buf.indexOf(0x5c, i)
    }
    return this.bsAt
  }

  /** The index of the first double quote at or after i in buf, or -1 (cached like nextBackslash). */
  private nextQuote(i: number): number {
    if (this.qFrom > i || (this.qAt !== -1 && this.qAt < i)) {
      this.qFrom = i
      this.qAt = this.buf.indexOf(0x22, i)
    }
    return this.qAt
  }

  /**
   * Finds the end of the current record by tracking strings and nesting, then converts it. A
   * string or a record past its bound is refused where the bound is passed, not at its end.
   */
  private scanRecord(): boolean {
    const r = this.rec!
    const b = this.buf
    const n = b.length
    let i = r.scan
    let depth = r.depth
    let inString = r.inString
    let str = r.str
    let end = -1
    while (i < n) {
      if (inString) {
        // Escapes are stepped over byte by byte (a string may be nothing else), plain text is
        // jumped over to the next quote or backslash, each looked up once: linear on any string.
        let c = b[i]
        while (c === 0x5c) {
          i += 2
          c = i < n ? b[i] : -1
        }
        if (i >= n) break
        let q = i
        if (c !== 0x22) {
          q = this.nextQuote(i)
          const bs = this.nextBackslash(i)
          if (bs >= 0 && (q < 0 || bs < q)) {
            i = bs
            continue
          }
          if (q < 0) {
            i = n
            break
          }
        }
        if (q - str > MAX_STRING_BYTES) throw this.longString(r, str)
        i = q + 1
        inString = false
        continue
      }
      const c = b[i++]
      if (c === 0x22) {
        inString = true
        str = i
      } else if (c === 0x7b || c === 0x5b) depth++
      else if (c === 0x7d || c === 0x5d) {
        if (--depth === 0) {
          end = i
          break
        }
      }
    }
    if (end < 0) {
      if (inString && n - str > MAX_STRING_BYTES) throw this.longString(r, str)
      if (this.base + n - r.fileStart > MAX_RECORD_BYTES) throw longRecord(this.file, r.path, r.fileStart)
      r.scan = i
      r.depth = depth
      r.inString = inString
      r.str = str
      return false
    }
    if (this.base + end - r.fileStart > MAX_RECORD_BYTES) throw longRecord(this.file, r.path, r.fileStart)
    const bytes = r.parts.length ? Buffer.concat([...r.parts, b.subarray(0, end)]) : b.subarray(r.start, end)
    this.rec = null
    this.pos = end
    const rec = convertRecord(this.file, this.rawSockets, r, bytes)
    if (rec) this.out.push(rec)
    this.afterValue()
    return true
  }

  /** The refusal of the record's string whose text starts at buf[str] (negative: in an earlier chunk). */
  private longString(r: Pending, str: number): InputError {
    const offset = this.base + str - 1
    const parts = [...r.parts, this.buf.subarray(r.start)]
    return longString(this.file, pathInRecord(parts, offset - r.fileStart, r.path), offset)
  }

  /** A complete JSON string at i (its decoded value and the index after it), or null when more bytes are needed. */
  private string(i: number): {value: string; end: number} | null {
    const b = this.buf
    let j = i + 1
    for (;;) {
      const q = b.indexOf(0x22, j)
      if (q < 0) return null
      let k = q - 1
      while (k > i && b[k] === 0x5c) k--
      if ((q - 1 - k) % 2 === 0) {
        const bytes = b.subarray(i, q + 1)
        try {
          if (!isUtf8(bytes)) throw new Error('not UTF-8')
          return {value: JSON.parse(bytes.toString('utf8')) as string, end: q + 1}
        } catch {
          const at = locateJsonError(bytes, 0, bytes.length)
          throw this.invalid(i + (at?.offset ?? 0), at?.expected ?? 'a UTF-8 string')
        }
      }
      j = q + 1
    }
  }

  /** A complete scalar value at i, or null when more bytes are needed. */
  private scalar(i: number, eof: boolean): {value: unknown; end: number} | null {
    const b = this.buf
    if (b[i] === 0x22) return this.string(i)
    let j = i
    while (j < b.length && !DELIM[b[j]]) j++
    if (j === b.length && !eof) return null
    if (j === i) throw this.invalid(i, 'a value')
    const bytes = b.subarray(i, j)
    try {
      return {value: JSON.parse(bytes.toString('latin1')), end: j}
    } catch {
      const at = locateJsonError(bytes, 0, bytes.length)
      throw this.invalid(i + (at?.offset ?? 0), at?.expected ?? 'a value')
    }
  }
}
