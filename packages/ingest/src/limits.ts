// The bounds the scanner holds every token and record to while it streams, so what a dump costs
// depends on its size after gzip, never on how long one of its strings is: a few megabytes of
// gzip can hold a string of gigabytes, which would otherwise be buffered whole before any
// limit is checked (6.5 MB of gzip holding a 1.5 GB ID cost 4.49 GB; beyond ~512 M characters
// V8 cannot even make it a string).
import {InputError} from '@fm/model'
import {MAX_TEXT} from './records.js'

/**
 * The longest string token (its bytes between the quotes) a dump may hold anywhere, kept or not.
 * Refused as soon as it is passed, before its end is read. Far above any Skydive field (a
 * Kubernetes object, annotations and all, is at most 1.5 MiB); kept texts are refused beyond
 * MAX_TEXT characters once their record is parsed, which this bound keeps cheap.
 */
export const MAX_STRING_BYTES = 16 << 20

/**
 * The largest record (a node, an edge, a flow, a socket array) the scanner hands to JSON.parse,
 * as fm capture bounds one element: a host node with some 200,000 sockets. It also bounds a
 * record of many small tokens, whose parsed objects take several times its bytes, and keeps
 * every record under V8's longest string (~512 M characters).
 */
export const MAX_RECORD_BYTES = 64 << 20

const MiB = (n: number): string => `${n / 1048576} MiB`

/** One step of a JSON path for a property name: `.Name` or `["odd key"]`; a long name is quoted by its start only. */
export function keyStep(name: string): string {
  const key = name.length > 64 ? `${name.slice(0, 61)}...` : name
  return /^[A-Za-z_]\w*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
}

/** The refusal of a string longer than MAX_STRING_BYTES, which starts (its opening quote) at byte `offset`. */
export function longString(file: string, where: {path: string; key: boolean}, offset: number): InputError {
  const what = where.key ? 'a property name' : 'a string'
  return new InputError(file, `${where.path}: expected ${what} of at most ${MiB(MAX_STRING_BYTES)} (fm keeps texts of at most ${MAX_TEXT} characters), got a longer one starting at byte ${offset}`)
}

/** The refusal of a record longer than MAX_RECORD_BYTES, which starts at byte `offset`. */
export function longRecord(file: string, path: string, offset: number): InputError {
  return new InputError(file, `${path}: expected a record of at most ${MiB(MAX_RECORD_BYTES)} (a host node with some 200,000 sockets), got a longer one starting at byte ${offset}`)
}

/** The refusal of a token outside any record (a property name, a value, white space inside `{ "`) longer than MAX_STRING_BYTES. */
export function longToken(file: string, path: string, offset: number): InputError {
  return new InputError(file, `invalid JSON at byte ${offset}, in ${path}: expected a property name or value of at most ${MiB(MAX_STRING_BYTES)}, got a longer one`)
}

interface Frame {
  isArray: boolean
  index: number
  key: string | null
  /** Object: the next string is a property name. */
  wantKey: boolean
}

/**
 * Where a string starting `length` bytes into a record lies: the record's path with the
 * record's own members after it (`$[0].Nodes[3]` + `.Metadata.Description`), and whether the
 * string is a property name. `parts` hold the record's bytes from its first. Only called to word
 * a refusal, on bytes the scanner has already checked for strings and nesting.
 */
export function pathInRecord(parts: readonly Uint8Array[], length: number, recordPath: string): {path: string; key: boolean} {
  const stack: Frame[] = []
  let inString = false
  let escaped = false
  // a property name's first bytes: enough to name it, bounded whatever its length
  let name: number[] | null = null
  let left = length
  for (const part of parts) {
    const n = Math.min(part.length, left)
    for (let i = 0; i < n; i++) {
      const c = part[i]
      if (inString) {
        if (escaped) escaped = false
        else if (c === 0x5c) escaped = true
        else if (c === 0x22) {
          inString = false
          if (name) stack[stack.length - 1].key = decodeName(name)
          name = null
          continue
        }
        if (name && name.length < 256) name.push(c)
        continue
      }
      const top = stack[stack.length - 1]
      if (c === 0x22) {
        inString = true
        name = top && !top.isArray && top.wantKey ? [] : null
      } else if (c === 0x7b || c === 0x5b) stack.push({isArray: c === 0x5b, index: 0, key: null, wantKey: c === 0x7b})
      else if (c === 0x7d || c === 0x5d) stack.pop()
      else if (c === 0x3a && top) top.wantKey = false
      else if (c === 0x2c && top) {
        if (top.isArray) top.index++
        else top.wantKey = true
      }
    }
    left -= n
    if (left === 0) break
  }
  const top = stack[stack.length - 1]
  const key = top !== undefined && !top.isArray && top.wantKey
  let path = recordPath
  stack.forEach((f, i) => {
    if (key && i === stack.length - 1) return
    if (f.isArray) path += `[${f.index}]`
    else if (f.key !== null) path += keyStep(f.key)
  })
  return {path, key}
}

function decodeName(bytes: number[]): string {
  const raw = Buffer.from(bytes)
  try {
    return JSON.parse(`"${raw.toString('utf8')}"`) as string
  } catch {
    // cut inside an escape or a character: the start is enough to name it
    return raw.toString('latin1')
  }
}
