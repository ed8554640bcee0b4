import type {Ambiguity, Matrix, MatrixEntry, MatrixHead, UnmatchedSocket} from '@fm/model'

/** The matrix as versioned JSON (schemaVersion 1). */
export function matrixToJson(m: Matrix): string {
  return JSON.stringify(m, null, 2) + '\n'
}

/**
 * Writes exactly what matrixToJson writes, piece by piece: the head, then the entries, the
 * unmatched sockets and the ambiguities one at a time, so a matrix of any size is never held
 * whole. Call in that order: `head`, `entry`*, `unmatched`*, `ambiguity`*, `end`.
 */
export class MatrixJsonWriter {
  private readonly object: JsonObjectWriter
  /** Index in LISTS of the open list; -1 before the head. */
  private list = -1

  constructor(write: (text: string) => void) {
    this.object = new JsonObjectWriter(write)
  }

  head(h: MatrixHead): void {
    if (this.list !== -1) throw new Error('the head was already written')
    const {schemaVersion, states, captures, stats, hostsWithoutSockets} = h
    // the key order of Matrix, as JSON.stringify of a whole matrix writes it
    for (const [k, v] of Object.entries({schemaVersion, states, captures, stats, hostsWithoutSockets})) this.object.field(k, v)
    this.object.openArray(LISTS[(this.list = 0)])
  }

  entry(e: MatrixEntry): void {
    this.moveTo(0)
    this.object.item(e)
  }

  unmatched(u: UnmatchedSocket): void {
    this.moveTo(1)
    this.object.item(u)
  }

  ambiguity(a: Ambiguity): void {
    this.moveTo(2)
    this.object.item(a)
  }

  end(): void {
    this.moveTo(LISTS.length - 1)
    this.object.end()
    this.object.write('\n')
  }

  /** Opens the lists up to `i` in order (empty ones included); never goes back. */
  private moveTo(i: number): void {
    if (this.list === -1) throw new Error('write the head first')
    if (i < this.list) throw new Error(`${LISTS[this.list]} is being written: ${LISTS[i]} comes before it`)
    while (this.list < i) this.object.openArray(LISTS[++this.list])
  }
}

const LISTS = ['entries', 'unmatched', 'ambiguities'] as const

/** `JSON.stringify(value, null, 2)` with the lines after the first indented by `depth` levels. */
function indented(value: unknown, depth: number): string {
  const text = JSON.stringify(value, null, 2) ?? 'null'
  // JSON text has no raw line breaks inside strings: every '\n' is between tokens
  return depth === 0 ? text : text.replaceAll('\n', `\n${'  '.repeat(depth)}`)
}

/** A JSON array written item by item, as `JSON.stringify(array, null, 2)` would (`[]` when empty). */
export class JsonArrayWriter {
  private items = 0

  constructor(readonly write: (text: string) => void, private readonly depth = 0) {
    write('[')
  }

  item(v: unknown): void {
    this.write(`${this.items++ ? ',' : ''}\n${'  '.repeat(this.depth + 1)}${indented(v, this.depth + 1)}`)
  }

  end(): void {
    this.write(this.items ? `\n${'  '.repeat(this.depth)}]` : ']')
  }
}

/** A JSON object written field by field, with array fields written item by item. */
class JsonObjectWriter {
  private fields = 0
  private array: JsonArrayWriter | null = null

  constructor(readonly write: (text: string) => void) {
    write('{')
  }

  field(key: string, value: unknown): void {
    if (value === undefined) return // as JSON.stringify leaves it out
    this.closeArray()
    this.write(`${this.separator()}${JSON.stringify(key)}: ${indented(value, 1)}`)
  }

  openArray(key: string): void {
    this.closeArray()
    this.write(`${this.separator()}${JSON.stringify(key)}: `)
    this.array = new JsonArrayWriter(this.write, 1)
  }

  item(v: unknown): void {
    if (!this.array) throw new Error('no array is open')
    this.array.item(v)
  }

  end(): void {
    this.closeArray()
    this.write(this.fields ? '\n}' : '}')
  }

  private separator(): string {
    return `${this.fields++ ? ',' : ''}\n  `
  }

  private closeArray(): void {
    if (!this.array) return
    this.array.end()
    this.array = null
  }
}
