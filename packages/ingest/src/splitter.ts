import Assembler from 'stream-json/assembler.js'
import type {DumpRecord} from '@fm/model'
import {elementToRecord, edgeToRecord, nodeToRecord, ShapeError, toSockets} from './records.js'

/** A stream-json token (packed values only). */
export interface Token {
  name: string
  value?: unknown
}

type Role = 'root' | 'elements' | 'graph' | 'nodes' | 'edges' | 'socketsMap' | 'skip'
interface Frame {
  role: Role
  isArray: boolean
  index: number
  key: string | null
}

type Convert = (value: unknown, path: string) => DumpRecord | null

/**
 * Turns the token stream of any Skydive dump shape into records, assembling objects only at
 * record level: graph nodes and edges, array elements (nodes, edges, flows) and entries of a
 * `Sockets()` map. Everything else is skipped without being built.
 */
export class RecordSplitter {
  private stack: Frame[] = []
  private asm: Assembler | null = null
  private asmDepth = 0
  private asmPath = ''
  private asmConvert: Convert = elementToRecord
  private asmOwner: string | null = null
  /** Tokens held back while looking at the first key of a top-level element. */
  private pending: Token[] | null = null
  private skipDepth = 0
  private sawValue = false
  readonly out: DumpRecord[] = []

  /** The JSON path of the current position, e.g. `$[0].Nodes[12]`. */
  path(): string {
    let p = '$'
    for (const f of this.stack) {
      if (f.role === 'root' && !f.isArray) continue
      if (f.isArray) p += `[${f.index}]`
      else if (f.key !== null) p += /^[A-Za-z_][\w]*$/.test(f.key) ? `.${f.key}` : `[${JSON.stringify(f.key)}]`
    }
    return p
  }

  /** True once the top-level value has closed. */
  get done(): boolean {
    return this.sawValue && this.stack.length === 0 && this.pending === null && this.asm === null
  }

  /** The top-level value started but did not close. */
  get open(): boolean {
    return this.stack.length > 0 || this.pending !== null || this.asm !== null
  }

  push(t: Token): void {
    if (t.name === 'whitespace') return
    if (this.asm) return this.feedAssembler(t)
    if (this.pending) return this.peek(t)
    if (this.skipDepth > 0) {
      if (t.name === 'startObject' || t.name === 'startArray') this.skipDepth++
      else if (t.name === 'endObject' || t.name === 'endArray') this.skipDepth--
      if (this.skipDepth === 0) this.afterValue()
      return
    }
    const top = this.stack[this.stack.length - 1]
    if (t.name === 'keyValue') {
      top.key = t.value as string
      return
    }
    if (t.name === 'endObject' || t.name === 'endArray') {
      this.stack.pop()
      this.afterValue()
      return
    }
    const starts = t.name === 'startObject' || t.name === 'startArray'
    if (!top) {
      this.sawValue = true
      if (t.name === 'startArray') this.stack.push({role: 'elements', isArray: true, index: 0, key: null})
      else if (t.name === 'startObject') this.pending = [t]
      else throw new ShapeError('$', 'an array or an object (a Skydive response)', t.value)
      return
    }
    switch (top.role) {
      case 'elements':
        if (t.name === 'startObject') this.pending = [t]
        else if (t.name === 'startArray') throw new ShapeError(this.path(), 'an object (node, edge, flow, graph or Sockets map)', [])
        else throw new ShapeError(this.path(), 'an object (node, edge, flow, graph or Sockets map)', t.value)
        return
      case 'graph':
        if (top.key === 'Nodes' || top.key === 'Edges') {
          if (t.name === 'startArray') {
            this.stack.push({role: top.key === 'Nodes' ? 'nodes' : 'edges', isArray: true, index: 0, key: null})
            return
          }
          if (t.name === 'nullValue') return this.afterValue()
          throw new ShapeError(this.path(), 'an array', t.name === 'startObject' ? {} : t.value)
        }
        return this.skipValue(t)
      case 'nodes':
      case 'edges':
        if (t.name !== 'startObject') throw new ShapeError(this.path(), top.role === 'nodes' ? 'a node object' : 'an edge object', t.name === 'startArray' ? [] : t.value)
        return this.startAssembler(t, top.role === 'nodes' ? nodeToRecord : edgeToRecord, null)
      case 'socketsMap':
        if (t.name !== 'startArray') throw new ShapeError(this.path(), 'an array of sockets', t.name === 'startObject' ? {} : t.value)
        return this.startAssembler(t, null, top.key)
      default:
        if (starts) this.skipDepth = 1
        else this.afterValue()
    }
  }

  private skipValue(t: Token): void {
    if (t.name === 'startObject' || t.name === 'startArray') this.skipDepth = 1
    else this.afterValue()
  }

  /** Decides what a top-level object is from its first key and the start of its first value. */
  private peek(t: Token): void {
    const held = this.pending!
    held.push(t)
    if (t.name === 'whitespace') return
    if (held.length === 2) {
      if (t.name === 'endObject') {
        // `{}`: an empty element or an empty response; nothing to keep
        this.pending = null
        if (this.stack.length === 0) this.sawValue = true
        return this.afterValue()
      }
      return // a key: wait for the value
    }
    const key = held[1].value as string
    this.pending = null
    if (key === 'Nodes' || key === 'Edges') {
      this.stack.push({role: 'graph', isArray: false, index: 0, key})
      return this.push(t)
    }
    if (t.name === 'startArray' && this.stack.length > 0) {
      this.stack.push({role: 'socketsMap', isArray: false, index: 0, key})
      return this.push(t)
    }
    if (this.stack.length === 0) {
      throw new ShapeError('$', 'a Skydive response (an array, or an object with Nodes and Edges)', {})
    }
    this.startAssembler(held[0], elementToRecord, null)
    this.feedAssembler(held[1])
    this.feedAssembler(t)
  }

  private startAssembler(t: Token, convert: Convert | null, owner: string | null): void {
    this.asm = new Assembler()
    this.asmDepth = 0
    this.asmPath = this.path()
    this.asmOwner = owner
    if (convert) this.asmConvert = convert
    this.feedAssembler(t)
  }

  private feedAssembler(t: Token): void {
    const asm = this.asm!
    ;(asm as unknown as Record<string, (v?: unknown) => void>)[t.name](t.value)
    if (t.name === 'startObject' || t.name === 'startArray') this.asmDepth++
    else if (t.name === 'endObject' || t.name === 'endArray') this.asmDepth--
    if (this.asmDepth > 0) return
    this.asm = null
    const value = asm.current
    if (this.asmOwner !== null) {
      this.out.push({kind: 'sockets', ownerId: this.asmOwner, sockets: toSockets(value, this.asmPath)})
    } else {
      const rec = this.asmConvert(value, this.asmPath)
      if (rec) this.out.push(rec)
    }
    this.afterValue()
  }

  private afterValue(): void {
    const top = this.stack[this.stack.length - 1]
    if (top?.isArray) top.index++
  }
}
