import {type DumpRecord, type HostRecord, type Socket, type SocketsRecord} from '@fm/model'
import {addressClass as classOf, classifySockets, ROLE_CODE, type AddressClass} from '@fm/match'

/**
 * Records in the form the store loads fastest, and that crosses a thread boundary cheaply:
 * sockets become rows of numbers in one Float64Array (its buffer is transferred, not copied),
 * their texts indexes into a string table that grows batch by batch (each distinct text is sent
 * once). The reading thread packs: it parses, validates, canonicalises and classifies; the
 * thread that owns the database only inserts.
 */
export interface PackedBatch {
  /** The receiver empties its string table before adding `strings` (keeps it bounded). */
  reset: boolean
  /** New entries of the string table, in order. */
  strings: string[]
  /** The records in file order; a host or sockets record's `sockets` is its number of rows. */
  records: PackedRecord[]
  /** SOCKET_FIELDS numbers per socket row, rows in the order of their records. */
  sockets: Float64Array
}

export type PackedRecord =
  | Exclude<DumpRecord, HostRecord | SocketsRecord>
  | (Omit<HostRecord, 'sockets'> & {sockets: number | null})
  | (Omit<SocketsRecord, 'sockets'> & {sockets: number})

/**
 * Per socket row: protocol, local address, local port, remote address, remote port, state,
 * process, pid, name, netns ('' when unknown) (texts as string-table indexes), then the address
 * classes (local family, loop, any; remote family, loop, link-local, none: @fm/match's
 * addressClass) and the role (ROLE_CODE): the columns of the store's socket_rows, in order.
 */
export const SOCKET_FIELDS = 18

/** A batch is handed over once it holds about this many rows (sockets, or other records). */
const BATCH_WEIGHT = 4000
/** The string table starts again once it holds this many texts, so memory stays bounded on any input. */
const TABLE_LIMIT = 1 << 18

export interface PackOptions {
  /** Rows (sockets or other records) per batch. */
  batchWeight?: number
  /** Texts the string table holds before it starts again. */
  tableLimit?: number
}

/** Packs records into batches (on the reading side). */
export class Packer {
  private readonly batchWeight: number
  private readonly tableLimit: number
  private table = new Map<string, number>()
  private reset = false
  private strings: string[] = []
  private records: PackedRecord[] = []
  private rows = new Float64Array(1024 * SOCKET_FIELDS)
  private used = 0
  private weight = 0

  /** The limits can be made tiny (tests cross batch and table edges with them). */
  constructor(opts: PackOptions = {}) {
    this.batchWeight = opts.batchWeight ?? BATCH_WEIGHT
    this.tableLimit = opts.tableLimit ?? TABLE_LIMIT
  }

  /** Adds a record; returns a batch when one is full. */
  add(r: DumpRecord): PackedBatch | null {
    if (r.kind === 'host') {
      this.records.push({...r, sockets: r.sockets ? this.packSockets(r.sockets) : null})
    } else if (r.kind === 'sockets') {
      this.records.push({kind: 'sockets', ownerId: r.ownerId, sockets: this.packSockets(r.sockets)})
    } else {
      this.records.push(r)
    }
    this.weight++
    return this.weight >= this.batchWeight ? this.take() : null
  }

  /** The batch so far, or null when it is empty. */
  take(): PackedBatch | null {
    if (this.records.length === 0) return null
    const batch: PackedBatch = {reset: this.reset, strings: this.strings, records: this.records, sockets: this.rows.slice(0, this.used)}
    this.reset = false
    this.strings = []
    this.records = []
    this.used = 0
    this.weight = 0
    if (this.table.size >= this.tableLimit) {
      this.table.clear()
      this.reset = true
    }
    return batch
  }

  private text(s: string): number {
    let i = this.table.get(s)
    if (i === undefined) {
      i = this.table.size
      this.table.set(s, i)
      this.strings.push(s)
    }
    return i
  }

  private packSockets(sockets: Socket[]): number {
    const roles = classifySockets(sockets)
    const need = this.used + sockets.length * SOCKET_FIELDS
    if (need > this.rows.length) {
      const grown = new Float64Array(Math.max(need, this.rows.length * 2))
      grown.set(this.rows.subarray(0, this.used))
      this.rows = grown
    }
    const a = this.rows
    let o = this.used
    for (let i = 0; i < sockets.length; i++) {
      const k = sockets[i]
      const l = addressClass(k.localAddress)
      const r = addressClass(k.remoteAddress)
      a[o] = this.text(k.protocol)
      a[o + 1] = this.text(k.localAddress)
      a[o + 2] = k.localPort
      a[o + 3] = this.text(k.remoteAddress)
      a[o + 4] = k.remotePort
      a[o + 5] = this.text(k.state)
      a[o + 6] = this.text(k.process)
      a[o + 7] = k.pid
      a[o + 8] = this.text(k.name)
      a[o + 9] = this.text(k.netns ?? '')
      a[o + 10] = l.family
      a[o + 11] = l.loop
      a[o + 12] = l.any
      a[o + 13] = r.family
      a[o + 14] = r.loop
      a[o + 15] = r.linkLocal
      a[o + 16] = r.none
      a[o + 17] = ROLE_CODE[roles[i]]
      o += SOCKET_FIELDS
    }
    this.used = o
    this.weight += sockets.length
    return sockets.length
  }
}

/** The receiving side's string table: applies each batch's additions. */
export class StringTable {
  texts: string[] = []

  apply(batch: PackedBatch): void {
    if (batch.reset) this.texts = []
    for (const s of batch.strings) this.texts.push(s)
  }
}

/** Packs a stream of records in the current thread (when no reading thread is available). */
export async function* packRecords(records: AsyncIterable<DumpRecord> | Iterable<DumpRecord>, opts: PackOptions = {}): AsyncGenerator<PackedBatch> {
  const packer = new Packer(opts)
  for await (const r of records) {
    const b = packer.add(r)
    if (b) yield b
  }
  const last = packer.take()
  if (last) yield last
}

// Millions of sockets share a few thousand addresses: classify each distinct one once.
const classes = new Map<string, AddressClass>()
function addressClass(a: string): AddressClass {
  let c = classes.get(a)
  if (!c) {
    c = classOf(a)
    if (classes.size >= 1 << 16) classes.clear()
    classes.set(a, c)
  }
  return c
}
