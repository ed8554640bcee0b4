import {type DumpRecord, type HostRecord, type Socket, type SocketsRecord} from '@fm/model'
import {addressClass as classOf, classifySockets, ROLE_CODE, type AddressClass} from '@fm/match'
import {canon, RAW_FIELDS, type RawSockets, type ScannedRecord} from '@fm/ingest'

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
/**
 * The string table starts again once it holds this many texts, so memory stays bounded on any
 * input. At 1 << 18 the tables of the reading thread filled on a 135k-host dump and held ~80 MB
 * more at the end of loading (peak RSS 390-456 MB against 321 MB at 1 << 16, same CSV).
 */
const TABLE_LIMIT = 1 << 16

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
  add(r: ScannedRecord): PackedBatch | null {
    if (r.kind === 'host') {
      this.records.push({...r, sockets: r.sockets ? (Array.isArray(r.sockets) ? this.packSockets(r.sockets) : this.packRaw(r.sockets)) : null})
    } else if (r.kind === 'sockets') {
      this.records.push({kind: 'sockets', ownerId: r.ownerId, sockets: Array.isArray(r.sockets) ? this.packSockets(r.sockets) : this.packRaw(r.sockets)})
    } else {
      this.records.push(r)
    }
    this.weight++
    return this.weight >= this.batchWeight ? this.take() : null
  }

  /** The batch so far, or null when it is empty. */
  take(): PackedBatch | null {
    if (this.records.length === 0) return null
    // the rows go as they are (their buffer is transferred), and the next batch gets a new one
    const sockets = this.used > 0 ? this.rows.subarray(0, this.used) : new Float64Array(0)
    // (no larger than a batch usually needs: one huge host's rows do not make every later buffer huge)
    if (this.used > 0) this.rows = new Float64Array(Math.min(this.rows.length, (this.batchWeight + 1024) * SOCKET_FIELDS))
    const batch: PackedBatch = {reset: this.reset, strings: this.strings, records: this.records, sockets}
    this.reset = false
    this.strings = []
    this.records = []
    this.used = 0
    this.weight = 0
    if (this.table.size >= this.tableLimit) {
      this.table.clear()
      this.reset = true
      this.upper.clear()
      this.addresses.clear()
      this.plain.clear()
      this.flags.fill(0)
      this.classes.fill(0)
    }
    return batch
  }

  private text(s: string): number {
    let i = this.table.get(s)
    if (i === undefined) {
      i = this.table.size
      this.table.set(s, i)
      this.strings.push(s)
      if (i >= this.flags.length) {
        const flags = new Uint8Array(this.flags.length * 2)
        flags.set(this.flags)
        this.flags = flags
        const classes = new Int32Array(this.classes.length * 2)
        classes.set(this.classes)
        this.classes = classes
      }
      this.flags[i] = s === 'TCP' ? TCP : s === 'UDP' ? UDP : s === 'LISTEN' ? LISTEN : 0
    }
    return i
  }

  // The raw path: texts looked up by their bytes (one table per way a field is normalised),
  // the facts the rules need kept per text id, so no string or socket object is built for
  // texts seen before.
  private readonly upper = new BytesToId()
  private readonly addresses = new BytesToId()
  private readonly plain = new BytesToId()
  /** Per text id: TCP, UDP, LISTEN or 0. */
  private flags = new Uint8Array(1024)
  /** Per text id used as an address: its class (packClass), 0 while not computed. */
  private classes = new Int32Array(1024)
  private readonly listeners = new Map<number, number[]>()

  private rawText(table: BytesToId, kind: 0 | 1 | 2, b: Buffer, f: Int32Array, o: number): number {
    const s = f[o]
    const e = f[o + 1]
    const h = f[o + 2]
    const id = table.get(b, s, e, h)
    if (id >= 0) return id
    const raw = b.toString('latin1', s, e)
    const text = kind === 0 ? raw.toUpperCase() : kind === 1 ? canon(raw) : raw
    const t = this.text(text)
    if (kind === 1 && this.classes[t] === 0) this.classes[t] = packClass(classOf(text))
    if (id === -1) table.set(b, s, e, h, t)
    return t
  }

  /** Packs sockets validated from their bytes (@fm/ingest's RawSockets): the same rows packSockets makes of the same sockets. */
  private packRaw(raw: RawSockets): number {
    const n = raw.count
    this.reserve(n)
    const a = this.rows
    const f = raw.fields
    const b = raw.buf
    const start = this.used
    let o = start
    for (let i = 0; i < n; i++) {
      const r = i * RAW_FIELDS
      // texts in packSockets' order, so the string table is the same
      a[o] = this.rawText(this.upper, 0, b, f, r)
      const local = this.rawText(this.addresses, 1, b, f, r + 3)
      const remote = this.rawText(this.addresses, 1, b, f, r + 6)
      const l = this.classes[local]
      const rc = this.classes[remote]
      a[o + 1] = local
      a[o + 2] = f[r + 21]
      a[o + 3] = remote
      a[o + 4] = f[r + 22]
      a[o + 5] = this.rawText(this.upper, 0, b, f, r + 9)
      a[o + 6] = this.rawText(this.plain, 2, b, f, r + 12)
      a[o + 7] = f[r + 23]
      a[o + 8] = this.rawText(this.plain, 2, b, f, r + 15)
      a[o + 9] = this.rawText(this.plain, 2, b, f, r + 18)
      a[o + 10] = (l >> 1) & 7
      a[o + 11] = (l >> 4) & 1
      a[o + 12] = (l >> 6) & 7
      a[o + 13] = (rc >> 1) & 7
      a[o + 14] = (rc >> 4) & 1
      a[o + 15] = (rc >> 5) & 1
      a[o + 16] = (rc >> 9) & 1
      o += SOCKET_FIELDS
    }
    this.classifyRows(start, n)
    this.used = o
    this.weight += n
    return n
  }

  /**
   * DESIGN's rules 1 and 2 (@fm/match's classifySockets, which packSockets uses) over packed
   * rows of one host: the same roles, on text ids and the address classes in the rows.
   */
  private classifyRows(start: number, n: number): void {
    const a = this.rows
    const flags = this.flags
    const listeners = this.listeners
    listeners.clear()
    for (let i = 0, o = start; i < n; i++, o += SOCKET_FIELDS) {
      const proto = flags[a[o]]
      const listener = (proto === TCP && flags[a[o + 5]] === LISTEN) || (proto === UDP && a[o + 4] === 0 && a[o + 16] === 1)
      if (!listener) continue
      a[o + 17] = ROLE_CODE.listener
      const key = a[o] * 65536 + a[o + 2]
      const list = listeners.get(key)
      if (list) list.push(o)
      else listeners.set(key, [o])
    }
    for (let i = 0, o = start; i < n; i++, o += SOCKET_FIELDS) {
      const proto = flags[a[o]]
      if ((proto === TCP && flags[a[o + 5]] === LISTEN) || (proto === UDP && a[o + 4] === 0 && a[o + 16] === 1)) continue
      let served = false
      const list = listeners.get(a[o] * 65536 + a[o + 2])
      if (list) {
        for (const l of list) {
          // same namespace, and rule 1's serves(bound, address)
          if (a[l + 9] !== a[o + 9]) continue
          if (a[l + 1] === a[o + 1] || a[l + 12] === 6 || (a[l + 12] === 4 && a[o + 10] === 4) || (a[l + 11] === 1 && a[o + 11] === 1 && a[l + 10] === a[o + 10])) {
            served = true
            break
          }
        }
      }
      a[o + 17] = served ? ROLE_CODE.server : a[o + 4] !== 0 && a[o + 16] === 0 ? ROLE_CODE.client : ROLE_CODE.none
    }
  }

  /** Room for `n` more socket rows (the row array doubled, or grown to fit). */
  private reserve(n: number): void {
    const need = this.used + n * SOCKET_FIELDS
    if (need <= this.rows.length) return
    const grown = new Float64Array(Math.max(need, this.rows.length * 2))
    grown.set(this.rows.subarray(0, this.used))
    this.rows = grown
  }

  private packSockets(sockets: Socket[]): number {
    const roles = classifySockets(sockets)
    this.reserve(sockets.length)
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

const TCP = 1
const UDP = 2
const LISTEN = 3

/** An address class in one integer: bit 0 set (computed), family, loop, link-local, any, none. */
function packClass(c: AddressClass): number {
  return 1 | (c.family << 1) | (c.loop << 4) | (c.linkLocal << 5) | (c.any << 6) | (c.none << 9)
}

/**
 * Byte strings to text ids: an open-addressing table over copies of the bytes, keyed by the
 * parser's seeded hash. Bounded: it starts again past MAX_ENTRIES texts or MAX_ARENA bytes, and
 * a lookup gives up after MAX_PROBES slots (get returns -2: the caller looks the text up by
 * its string and does not add it), so no input can make a lookup cost more than a few steps.
 */
class BytesToId {
  private slots = new Int32Array(1 << 12)
  private hashes = new Int32Array(1 << 11)
  private starts = new Int32Array(1 << 11)
  private lengths = new Int32Array(1 << 11)
  private ids = new Int32Array(1 << 11)
  private arena = new Uint8Array(1 << 16)
  private arenaUsed = 0
  private size = 0

  /** The id of bytes [s, e) of b with hash h; -1 when absent, -2 when the lookup gave up. */
  get(b: Uint8Array, s: number, e: number, h: number): number {
    const mask = this.slots.length - 1
    const len = e - s
    let slot = h & mask
    for (let p = 0; p < MAX_PROBES; p++) {
      const x = this.slots[slot]
      if (x === 0) return -1
      const k = x - 1
      if (this.hashes[k] === h && this.lengths[k] === len) {
        const arena = this.arena
        const at = this.starts[k]
        let i = 0
        while (i < len && arena[at + i] === b[s + i]) i++
        if (i === len) return this.ids[k]
      }
      slot = (slot + 1) & mask
    }
    return -2
  }

  set(b: Uint8Array, s: number, e: number, h: number, id: number): void {
    const len = e - s
    if (this.size >= MAX_ENTRIES || this.arenaUsed + len > MAX_ARENA) this.clear()
    if (this.arenaUsed + len > this.arena.length) {
      const arena = new Uint8Array(Math.max(this.arenaUsed + len, this.arena.length * 2))
      arena.set(this.arena.subarray(0, this.arenaUsed))
      this.arena = arena
    }
    if (this.size >= this.hashes.length) this.growEntries()
    if ((this.size + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2)
    const k = this.size++
    this.arena.set(b.subarray(s, e), this.arenaUsed)
    this.starts[k] = this.arenaUsed
    this.arenaUsed += len
    this.lengths[k] = len
    this.hashes[k] = h
    this.ids[k] = id
    this.place(k)
  }

  clear(): void {
    this.slots.fill(0)
    this.size = 0
    this.arenaUsed = 0
  }

  private place(k: number): void {
    const mask = this.slots.length - 1
    let slot = this.hashes[k] & mask
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask
    this.slots[slot] = k + 1
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size)
    for (let k = 0; k < this.size; k++) this.place(k)
  }

  private growEntries(): void {
    const grow = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const g = new Int32Array(a.length * 2)
      g.set(a)
      return g
    }
    this.hashes = grow(this.hashes)
    this.starts = grow(this.starts)
    this.lengths = grow(this.lengths)
    this.ids = grow(this.ids)
  }
}

const MAX_PROBES = 64
/** Texts the raw-byte table holds before it starts again (see TABLE_LIMIT). */
const MAX_ENTRIES = 1 << 16
const MAX_ARENA = 16 << 20

/** The receiving side's string table: applies each batch's additions. */
export class StringTable {
  texts: string[] = []

  apply(batch: PackedBatch): void {
    if (batch.reset) this.texts = []
    for (const s of batch.strings) this.texts.push(s)
  }
}

/** Packs a stream of records in the current thread (when no reading thread is available). */
export async function* packRecords(records: AsyncIterable<ScannedRecord> | Iterable<ScannedRecord>, opts: PackOptions = {}): AsyncGenerator<PackedBatch> {
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
