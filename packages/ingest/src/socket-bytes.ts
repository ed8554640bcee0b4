// The common case of a socket array read straight from its bytes: no JSON.parse, no socket
// objects. It accepts only what it can prove toSocket would accept and turn into the same
// values (plain ASCII strings without escapes, plain integers, the known keys once each); on
// anything else it gives up and the record goes through JSON.parse and toSocket, which give
// the exact result or error. So it is a speed-up only, never a second set of rules.
import {MAX_TEXT} from './records.js'

/**
 * Per socket in RawSockets.fields: for each text field (protocol, local address, remote address,
 * state, process, name, netns, in that order) the start and end of its bytes in `buf` and a hash
 * of them (a field left out or null is the empty range: toSocket's '' default), then local port,
 * remote port and pid (a pid of 2^31 or more goes the ordinary way).
 */
export const RAW_TEXTS = 7
export const RAW_FIELDS = RAW_TEXTS * 3 + 3

/** A validated socket array, as byte ranges of the record's bytes. */
export interface RawSockets {
  readonly buf: Buffer
  readonly fields: Int32Array
  readonly count: number
}

/** The hash of a byte range is seeded per process, so nobody can pick colliding texts ahead of time. */
export const HASH_SEED = (Math.random() * 0x100000000) | 0

/** The hash of bytes [s, e) of b, as the parser computes it (FNV-1a from HASH_SEED). */
export function hashBytes(b: Uint8Array, s: number, e: number): number {
  let h = HASH_SEED
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193)
  return h
}

// field numbers: text fields 0-6 as in RAW_TEXTS' order, then 7 local port, 8 remote port, 9 pid
const KEYS = ['Protocol', 'LocalAddress', 'RemoteAddress', 'State', 'Process', 'Name', 'Netns', 'LocalPort', 'RemotePort', 'Pid']
const KEY_BYTES = KEYS.map((k) => Uint8Array.from(k, (c) => c.charCodeAt(0)))
/** Fields toSocket requires (no null, no default): Protocol, LocalAddress, LocalPort. */
const REQUIRED = (1 << 0) | (1 << 1) | (1 << 7)
const MAX_PORT = 65535
/** Bytes a string can hold as they are: printable ASCII but the quote and the backslash. */
const PLAIN = new Uint8Array(256)
for (let c = 0x20; c < 0x7f; c++) PLAIN[c] = c === 0x22 || c === 0x5c ? 0 : 1

/** Candidate fields by a key's first byte (P, L, R, S, N): each is checked in full. */
const BY_FIRST: number[][] = []
KEYS.forEach((k, f) => (BY_FIRST[k.charCodeAt(0)] ??= []).push(f))

/** The known key whose bytes and closing quote start at b[s], or -1. */
function keyField(b: Uint8Array, s: number): number {
  const candidates = BY_FIRST[b[s]]
  if (candidates === undefined) return -1
  for (let c = 0; c < candidates.length; c++) {
    const f = candidates[c]
    const k = KEY_BYTES[f]
    const n = k.length
    let i = 0
    while (i < n && b[s + i] === k[i]) i++
    if (i === n && b[s + n] === 0x22) return f
  }
  return -1
}

const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

// Records' fields are views into a shared block, taken in turn (no copy per record); a full
// block is left to the records viewing it and a new one begun.
const BLOCK = 1 << 16
let block = new Int32Array(BLOCK)
let blockUsed = 0

/**
 * Parses the JSON array of sockets starting at b[start] (`[`), up to `limit`. Returns the index
 * after its `]` and the sockets, or null whenever the array is anything but the plain case.
 */
export function parseRawSockets(b: Buffer, start: number, limit: number): {end: number; sockets: RawSockets} | null {
  let i = start
  if (b[i] !== 0x5b) return null
  i++
  while (i < limit && isWs(b[i])) i++
  let count = 0
  if (i < limit && b[i] === 0x5d) return {end: i + 1, sockets: {buf: b, fields: new Int32Array(0), count: 0}}
  const empty = HASH_SEED
  let base = blockUsed
  let scratch = block
  for (;;) {
    if (i >= limit || b[i] !== 0x7b) return null
    i++
    if (base + (count + 1) * RAW_FIELDS > scratch.length) {
      // a new block, with this record's sockets so far
      const grown = new Int32Array(Math.max(BLOCK, (count + 1) * RAW_FIELDS * 2))
      grown.set(scratch.subarray(base, base + count * RAW_FIELDS))
      block = scratch = grown
      blockUsed = base = 0
    }
    const o = base + count * RAW_FIELDS
    for (let t = 0; t < RAW_TEXTS; t++) {
      scratch[o + 3 * t] = 0
      scratch[o + 3 * t + 1] = 0
      scratch[o + 3 * t + 2] = empty
    }
    scratch[o + 21] = 0
    scratch[o + 22] = 0
    scratch[o + 23] = 0
    let seen = 0
    for (;;) {
      while (i < limit && isWs(b[i])) i++
      if (i >= limit || b[i] !== 0x22) return null
      const field = keyField(b, ++i)
      if (field < 0 || seen & (1 << field)) return null
      i += KEY_BYTES[field].length + 1
      while (i < limit && isWs(b[i])) i++
      if (i >= limit || b[i] !== 0x3a) return null
      i++
      while (i < limit && isWs(b[i])) i++
      if (i >= limit) return null
      const c = b[i]
      if (c === 0x6e) {
        // null: toSocket's default, except for the fields it requires
        if (REQUIRED & (1 << field) || b[i + 1] !== 0x75 || b[i + 2] !== 0x6c || b[i + 3] !== 0x6c) return null
        i += 4
      } else if (field < RAW_TEXTS) {
        if (c !== 0x22) return null
        const s = ++i
        let h = HASH_SEED
        let x = b[i]
        while (PLAIN[x] === 1) {
          h = Math.imul(h ^ x, 0x01000193)
          x = b[++i]
        }
        if (x !== 0x22 || i >= limit || i - s > MAX_TEXT) return null
        scratch[o + 3 * field] = s
        scratch[o + 3 * field + 1] = i
        scratch[o + 3 * field + 2] = h
        i++
      } else {
        // a plain non-negative integer: no sign, fraction, exponent or leading zero
        if (c < 0x30 || c > 0x39) return null
        let v = c - 0x30
        i++
        if (v !== 0) {
          const s = i
          while (i < limit && b[i] >= 0x30 && b[i] <= 0x39) v = v * 10 + (b[i++] - 0x30)
          if (i - s > 14) return null
        }
        if (v > (field === 9 ? 0x7fffffff : MAX_PORT)) return null
        scratch[o + 21 + field - 7] = v
      }
      seen |= 1 << field
      while (i < limit && isWs(b[i])) i++
      if (i >= limit) return null
      if (b[i] === 0x2c) {
        i++
        continue
      }
      if (b[i] === 0x7d) {
        i++
        break
      }
      return null
    }
    if ((seen & REQUIRED) !== REQUIRED) return null
    // a required field given as null was refused above; one left out is caught here
    count++
    while (i < limit && isWs(b[i])) i++
    if (i >= limit) return null
    if (b[i] === 0x2c) {
      i++
      while (i < limit && isWs(b[i])) i++
      continue
    }
    if (b[i] === 0x5d) {
      blockUsed = base + count * RAW_FIELDS
      return {end: i + 1, sockets: {buf: b, fields: scratch.subarray(base, blockUsed), count}}
    }
    return null
  }
}
