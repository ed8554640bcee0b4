import {isAscii, isUtf8} from 'node:buffer'
import {InputError, type DumpRecord} from '@fm/model'
import {locateJsonError} from './json-error.js'
import {boundedText, edgeToRecord, elementToRecord, nodeToRecord, toSockets, type RawRecord} from './records.js'
import {parseRawSockets} from './socket-bytes.js'

/** What a scanner yields: records, and with `rawSockets` host and sockets records whose sockets are still bytes. */
export type ScannedRecord = DumpRecord | RawRecord

/** What the scanner found a record to be: its kind by where it stands, its path, its first byte in the file, and a Sockets() map's key. */
export interface RecordAt {
  kind: 'element' | 'node' | 'edge' | 'sockets' | 'skip'
  path: string
  fileStart: number
  owner: string | null
}

const SOCKETS_KEY = Buffer.from('"Sockets"', 'latin1')
/** What stands in for a socket array read from its bytes when the rest of its record goes to JSON.parse. */
const PLACEHOLDER = Buffer.from('0', 'latin1')
/** JSON's white space bytes. */
export const WS = new Uint8Array(256)
for (const c of [0x20, 0x09, 0x0a, 0x0d]) WS[c] = 1

/**
 * A record's bytes, found by the scanner, as the record fm keeps (null for one it drops). With
 * `rawSockets`, a plain socket array is read from its bytes (see socket-bytes.ts).
 */
export function convertRecord(file: string, rawSockets: boolean, r: RecordAt, bytes: Buffer): ScannedRecord | null {
  // edges carry no sockets (edgeToRecord reads Parent, Child and the relation only)
  if (rawSockets && r.kind !== 'skip' && r.kind !== 'edge') {
    const rec = convertRaw(r, bytes)
    if (rec !== undefined) return rec
  }
  // ASCII (most records) is UTF-8 and decodes byte for byte
  const ascii = isAscii(bytes)
  if (!ascii && !isUtf8(bytes)) throw new InputError(file, `not UTF-8 text between bytes ${r.fileStart} and ${r.fileStart + bytes.length}: expected a Skydive JSON response`)
  let value: unknown
  try {
    value = JSON.parse(bytes.toString(ascii ? 'latin1' : 'utf8'))
  } catch (e) {
    const at = locateJsonError(bytes, 0, bytes.length)
    const where = at ? `at byte ${r.fileStart + at.offset}` : `between bytes ${r.fileStart} and ${r.fileStart + bytes.length}`
    throw new InputError(file, `invalid JSON ${where}, in ${r.path}: ${at ? `expected ${at.expected}` : (e as Error).message}`)
  }
  let rec: DumpRecord | null = null
  switch (r.kind) {
    case 'element':
      rec = elementToRecord(value, r.path)
      break
    case 'node':
      rec = nodeToRecord(value, r.path)
      break
    case 'edge':
      rec = edgeToRecord(value, r.path)
      break
    case 'sockets':
      rec = {kind: 'sockets', ownerId: boundedText(r.owner!, r.path), sockets: toSockets(value, r.path)}
      break
  }
  return rec
}

/**
 * The record with its socket array read by parseRawSockets, and the rest of it by JSON.parse
 * (the array replaced by a placeholder); undefined when that cannot be done, or when anything
 * is wrong: then `convertRecord` reads the record the ordinary way, and gives its exact result or error.
 */
function convertRaw(r: RecordAt, bytes: Buffer): ScannedRecord | null | undefined {
  try {
    if (r.kind === 'sockets') {
      const raw = parseRawSockets(bytes, 0, bytes.length)
      if (!raw || raw.end !== bytes.length) return undefined
      return {kind: 'sockets', ownerId: boundedText(r.owner!, r.path), sockets: raw.sockets}
    }
    // the array must be the only "Sockets" key, and the record free of escapes (no key is
    // spelled another way), so the placeholder is Metadata.Sockets or no socket list at all
    const k = bytes.indexOf(SOCKETS_KEY)
    if (k < 0) return undefined
    let i = k + SOCKETS_KEY.length
    while (WS[bytes[i]]) i++
    if (bytes[i] !== 0x3a) return undefined
    i++
    while (WS[bytes[i]]) i++
    if (bytes[i] !== 0x5b) return undefined
    const raw = parseRawSockets(bytes, i, bytes.length)
    if (!raw || bytes.indexOf(SOCKETS_KEY, raw.end) >= 0) return undefined
    const rest = Buffer.concat([bytes.subarray(0, i), PLACEHOLDER, bytes.subarray(raw.end)])
    if (rest.indexOf(0x5c) >= 0) return undefined
    const ascii = isAscii(rest)
    if (!ascii && !isUtf8(rest)) return undefined
    const value: unknown = JSON.parse(rest.toString(ascii ? 'latin1' : 'utf8'))
    if (r.kind === 'node') return nodeToRecord(value, r.path, raw.sockets)
    if (r.kind === 'element') return elementToRecord(value, r.path, raw.sockets)
    return undefined
  } catch {
    return undefined
  }
}
