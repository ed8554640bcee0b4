import {AnalyzerError} from '@fm/model'
import {elementToRecord, toSocket, type RecordCounts, type ResponseRole} from '@fm/ingest'

const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const QUOTE = 0x22
const BACKSLASH = 0x5c

/**
 * Counts the records of a response while it streams to disk, so a capture needs no second
 * pass over the file. A byte scanner (it tracks strings and nesting only) cuts out each
 * element, which is parsed alone and checked with the reader's own record rules: a `G`
 * response's nodes and edges, a node, edge or flow array's elements, or the sockets of a
 * `Sockets()` map. Memory stays at one element.
 */
export class RecordCounter {
  readonly counts: RecordCounts = {hosts: 0, sockets: 0, interfaces: 0, netns: 0, ownership: 0, flows: 0}
  /** Containers open outside the current element, as their opening byte. */
  private readonly stack: number[] = []
  /** Nesting inside the element being cut out; 0 between elements. */
  private depth = 0
  private inString = false
  private escaped = false
  private pieces: Buffer[] = []
  private started = false
  private elements = 0
  /** Array depth of the elements: `[ {graph} ]` holds nodes at 3, `[ {id: [socket]} ]` sockets at 3. */
  private readonly target: number

  /** Bytes held of the element being cut out: bounded, so an endless string cannot fill memory. */
  private held = 0
  private readonly maxElementBytes: number
  private readonly redact: (text: string) => string

  /**
   * `redact` cleans text quoted from the response before it goes into a message (the
   * analyzer's words may echo a secret); `maxElementBytes` bounds one element (default 64 MiB: a host node with some 200,000 sockets).
   */
  constructor(private readonly role: ResponseRole, private readonly describe: string, opts: {redact?: (text: string) => string; maxElementBytes?: number} = {}) {
    this.target = role === 'graph' || role === 'flow-sockets' ? 3 : 1
    this.maxElementBytes = opts.maxElementBytes ?? 64 * 1024 * 1024
    this.redact = opts.redact ?? ((t) => t)
  }

  push(chunk: Buffer): void {
    let start = this.depth > 0 ? 0 : -1
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (b === BACKSLASH) this.escaped = true
        else if (b === QUOTE) this.inString = false
        continue
      }
      if (b === QUOTE) {
        this.inString = true
        continue
      }
      if (!this.started && b > 0x20) {
        this.started = true
        if (b !== OPEN_ARRAY) this.fail(`it starts with ${JSON.stringify(String.fromCharCode(b))}, not "["`)
      }
      if (this.depth > 0) {
        if (b === OPEN_OBJECT || b === OPEN_ARRAY) this.depth++
        else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
          if (--this.depth === 0) {
            this.pieces.push(chunk.subarray(start, i + 1))
            this.held = 0
            this.element()
            start = -1
          }
        }
        continue
      }
      if (b === OPEN_OBJECT && this.stack.length === this.target && this.stack[this.target - 1] === OPEN_ARRAY) {
        this.depth = 1
        start = i
      } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) this.stack.push(b)
      else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) this.stack.pop()
    }
    // an element spanning chunks is copied: the chunk's memory is not ours to keep
    if (this.depth > 0 && start >= 0) {
      this.held += chunk.length - start
      if (this.held > this.maxElementBytes) this.fail(`element ${this.elements} is larger than ${Math.round(this.maxElementBytes / 1048576)} MiB`)
      this.pieces.push(Buffer.from(chunk.subarray(start)))
    }
  }

  /** Checks the response ended where a JSON array ends. */
  end(): RecordCounts {
    if (!this.started) this.fail('it is empty')
    if (this.depth > 0 || this.stack.length > 0 || this.inString) this.fail('it ends before its JSON closes')
    return this.counts
  }

  private element(): void {
    const text = Buffer.concat(this.pieces).toString('utf8')
    this.pieces = []
    const path = `element ${this.elements++}`
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (e) {
      this.fail(`${path} is not JSON (${(e as Error).message})`)
    }
    const c = this.counts
    try {
      if (this.role === 'flow-sockets') {
        toSocket(value, path)
        c.sockets++
        return
      }
      const r = elementToRecord(value, path)
      if (r?.kind === 'host') {
        c.hosts++
        c.sockets += r.sockets?.length ?? 0
      } else if (r?.kind === 'interface') c.interfaces++
      else if (r?.kind === 'netns') c.netns++
      else if (r?.kind === 'ownership') c.ownership++
      else if (r?.kind === 'flow') c.flows++
    } catch (e) {
      this.fail((e as Error).message)
    }
  }

  private fail(why: string): never {
    throw new AnalyzerError(`${this.describe} is not a Skydive response: ${this.redact(why)}`, ['Check that `analyzer` is a Skydive analyzer.'])
  }
}
