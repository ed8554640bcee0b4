import {createReadStream, fstatSync} from 'node:fs'
import {open, stat} from 'node:fs/promises'
import {Readable, pipeline} from 'node:stream'
import {createGunzip} from 'node:zlib'
import {InputError, type DumpRecord} from '@fm/model'
import {DumpScanner, type ScannedRecord} from './scanner.js'

export interface ReadProgress {
  file: string
  bytesRead: number
  /** 0 when unknown: standard input, a pipe, a device, a compressed file. */
  totalBytes: number
  records: number
}

export interface ReadOptions {
  onProgress?: (p: ReadProgress) => void
  /** Bytes per read; also the granularity of syntax-error offsets. */
  chunkSize?: number
  /**
   * Hand plain socket arrays on as validated byte ranges (RawSockets) instead of Socket
   * objects: the reading worker packs them straight from the bytes.
   */
  rawSockets?: boolean
}

/** What kind of input a path holds, decided by its content. */
export type DumpKind = 'json' | 'capture' | 'sqlite'

/** The input name that stands for standard input (`gzip -dc dump.json.gz | fm analyze -`). */
export const STDIN = '-'

/** How an input is named in messages: `-` is "standard input". */
export function inputName(file: string): string {
  return file === STDIN ? 'standard input' : file
}

const HEAD = 4096

/**
 * Looks at the start of an input and says whether fm can read it, throwing an InputError when
 * not. Gzip-compressed files are looked at decompressed. Standard input, pipes and devices are
 * not read here (what is read from them is gone): their start is checked as they are read.
 */
export async function sniffDump(file: string): Promise<DumpKind> {
  if (file === STDIN) return 'json'
  let st
  try {
    st = await stat(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new InputError(file, code === 'ENOENT' ? 'no such file or directory' : `cannot read (${code})`)
  }
  if (st.isDirectory()) return 'capture'
  if (!st.isFile()) return 'json'
  // a regular file of size 0 may still have content (/proc files): read its start to know
  const {head, gzip} = await readHead(file)
  if (head.length === 0) throw new InputError(file, gzip ? 'empty once decompressed: expected a Skydive JSON response' : 'empty file: expected a Skydive JSON response')
  // white space may run past the head: then what follows it is looked at
  const kind = head.length === HEAD && isWhiteSpace(head) ? await classifyAfterWhiteSpace(file) : classifyHead(file, head, true)
  if (kind === 'sqlite' && gzip) throw new InputError(file, 'a gzip-compressed SQLite database: fm reads databases uncompressed', [`gzip -dc ${file} > flows.db`])
  return kind
}

const isWhite = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09

/** Whether a head holds only white space (after a byte-order mark). */
function isWhiteSpace(buf: Buffer): boolean {
  let i = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0
  while (i < buf.length && isWhite(buf[i])) i++
  return i === buf.length
}

/** Reads on through white space of any length, then classifies the first other byte like classifyHead. */
async function classifyAfterWhiteSpace(file: string): Promise<DumpKind> {
  let base = 0
  for await (const chunk of readBytes(file)) {
    let i = base === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? 3 : 0
    while (i < chunk.length && isWhite(chunk[i])) i++
    if (i < chunk.length) {
      const b = chunk[i]
      if (b === 0) throw new InputError(inputName(file), `binary data at byte ${base + i}: expected a Skydive JSON response`)
      if (b !== 0x5b && b !== 0x7b) throw new InputError(inputName(file), `not JSON at byte ${base + i}: expected '[' or '{' (a Skydive response), got ${JSON.stringify(String.fromCharCode(b))}`)
      return 'json'
    }
    base += chunk.length
  }
  throw new InputError(inputName(file), 'only white space: expected a Skydive JSON response')
}

/** The first bytes of a file, decompressed when it is gzip. */
async function readHead(file: string): Promise<{head: Buffer; gzip: boolean}> {
  const parts: Buffer[] = []
  let n = 0
  let gzip = false
  for await (const chunk of readBytes(file, {chunkSize: HEAD, onGzip: () => (gzip = true)})) {
    parts.push(chunk)
    n += chunk.length
    if (n >= HEAD) break
  }
  return {head: Buffer.concat(parts).subarray(0, HEAD), gzip}
}

/**
 * What the first bytes of an input say it is. `complete` says the buffer holds all of the
 * file's first bytes that will be looked at; a stream's first chunk may be short, so it is not
 * called white space only.
 */
function classifyHead(file: string, buf: Buffer, complete: boolean): DumpKind {
  if (buf.subarray(0, 16).toString('latin1') === 'SQLite format 3\0') return 'sqlite'
  if (buf.includes(0)) throw new InputError(inputName(file), `binary data at byte ${buf.indexOf(0)}: expected a Skydive JSON response`)
  let i = 0
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3
  while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++
  if (i === buf.length) {
    if (complete) throw new InputError(inputName(file), 'only white space: expected a Skydive JSON response')
    return 'json'
  }
  if (buf[i] !== 0x5b && buf[i] !== 0x7b) {
    throw new InputError(inputName(file), `not JSON at byte ${i}: expected '[' or '{' (a Skydive response), got ${JSON.stringify(String.fromCharCode(buf[i]))}`)
  }
  return 'json'
}

interface ReadBytesOptions {
  chunkSize?: number
  /** Called once when the input turns out to be gzip-compressed. */
  onGzip?: () => void
}

/**
 * The bytes of an input in order, as a stream: a file, standard input (`-`), a pipe, a device
 * or a /proc file; gzip (found by its magic bytes) is decompressed on the way.
 */
async function* readBytes(file: string, opts: ReadBytesOptions = {}): AsyncGenerator<Buffer> {
  const highWaterMark = opts.chunkSize ?? 1 << 20
  const raw: Readable = readsFd0(file) ? standardInput(highWaterMark) : createReadStream(file, {highWaterMark})
  const it = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  try {
    const first = await it.next().catch((e: unknown) => Promise.reject(readFailure(file, e)))
    if (first.done) return
    const head = first.value
    if (!(head[0] === 0x1f && head[1] === 0x8b)) {
      yield head
      for (;;) {
        const next = await it.next().catch((e: unknown) => Promise.reject(readFailure(file, e)))
        if (next.done) return
        yield next.value
      }
    }
    opts.onGzip?.()
    const rest = async function* (): AsyncGenerator<Buffer> {
      yield head
      for (;;) {
        const next = await it.next()
        if (next.done) return
        yield next.value
      }
    }
    const gunzip = pipeline(Readable.from(rest()), createGunzip({chunkSize: Math.min(highWaterMark, 1 << 20)}), () => undefined)
    try {
      for await (const chunk of gunzip) yield chunk as Buffer
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR') throw new InputError(inputName(file), `gzip data ${code === 'Z_BUF_ERROR' ? 'ends early (truncated)' : 'is corrupt'}: ${(e as Error).message}`)
      throw readFailure(file, e)
    } finally {
      gunzip.destroy()
    }
  } finally {
    raw.destroy()
  }
}

/**
 * `-`, and /dev/stdin when standard input is not a regular file: a socket (as spawn gives a
 * child) cannot be opened by name (ENXIO), but its descriptor reads.
 */
function readsFd0(file: string): boolean {
  if (file === STDIN) return true
  if (file !== '/dev/stdin' && file !== '/dev/fd/0' && file !== '/proc/self/fd/0') return false
  try {
    return !fstatSync(0).isFile()
  } catch {
    return false
  }
}

/**
 * Standard input: a redirected file is read like any file; a pipe, socket or terminal through
 * process.stdin, which waits for data (the descriptor may be non-blocking: EAGAIN).
 */
function standardInput(highWaterMark: number): Readable {
  let file = false
  try {
    file = fstatSync(0).isFile()
  } catch {
    // no descriptor 0: process.stdin reports it
  }
  return file ? createReadStream('', {fd: 0, autoClose: false, highWaterMark}) : process.stdin
}

function readFailure(file: string, e: unknown): Error {
  if (e instanceof InputError) return e
  const code = (e as NodeJS.ErrnoException).code
  if (!code) return e as Error
  return new InputError(inputName(file), code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code})`)
}

/**
 * Streams the records of one Skydive JSON response (a `G` graph, node/edge/flow arrays,
 * or a `Sockets()` map), in bounded memory. Throws InputError naming the byte offset or JSON path.
 */
export function readJsonDump(file: string, opts?: ReadOptions & {rawSockets?: false}): AsyncGenerator<DumpRecord>
export function readJsonDump(file: string, opts: ReadOptions): AsyncGenerator<ScannedRecord>
export async function* readJsonDump(file: string, opts: ReadOptions = {}): AsyncGenerator<ScannedRecord> {
  const chunkSize = opts.chunkSize ?? 1 << 20
  const st = file === STDIN ? null : await stat(file)
  if (!st?.isFile() || st.size === 0 || (await isGzip(file))) {
    yield* readJsonStream(file, chunkSize, opts)
    return
  }
  const size = st.size
  const scanner = new DumpScanner(file, opts.rawSockets)
  const fh = await open(file, 'r')
  let offset = 0
  let records = 0
  // A fresh buffer per read (the scanner keeps slices of it while a record spans chunks), and
  // the next read already in flight while this chunk is parsed, so the disk never waits on us.
  const readAt = (at: number): Promise<Buffer> => {
    const buf = Buffer.allocUnsafe(chunkSize)
    const p = fh.read(buf, 0, chunkSize, at).then(({bytesRead}) => (bytesRead === chunkSize ? buf : buf.subarray(0, bytesRead)))
    p.catch(() => undefined) // a failed read is reported where it is awaited, not as an unhandled rejection
    return p
  }
  let next: Promise<Buffer> | null = null
  try {
    next = readAt(0)
    for (;;) {
      const chunk: Buffer = await next
      next = null
      if (chunk.length === 0) break
      offset += chunk.length
      next = readAt(offset)
      scanner.push(chunk)
      if (scanner.out.length) {
        records += scanner.out.length
        yield* scanner.out.splice(0)
      }
      opts.onProgress?.({file, bytesRead: offset, totalBytes: size, records})
    }
    scanner.end(offset)
    if (scanner.out.length) yield* scanner.out.splice(0)
  } finally {
    await next?.catch(() => undefined)
    await fh.close()
  }
}

async function isGzip(file: string): Promise<boolean> {
  const fh = await open(file, 'r')
  try {
    const b = Buffer.alloc(2)
    const {bytesRead} = await fh.read(b, 0, 2, 0)
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b
  } finally {
    await fh.close()
  }
}

/** readJsonDump for inputs read once, in order (see readBytes); their size is unknown (totalBytes 0). */
async function* readJsonStream(file: string, chunkSize: number, opts: ReadOptions): AsyncGenerator<ScannedRecord> {
  const name = inputName(file)
  const scanner = new DumpScanner(name, opts.rawSockets)
  let offset = 0
  let records = 0
  let head = Buffer.alloc(0)
  for await (const chunk of readBytes(file, {chunkSize})) {
    // the same checks as sniffDump's, on what arrives first
    if (head.length < HEAD) {
      head = Buffer.concat([head, chunk.subarray(0, HEAD - head.length)])
      if (classifyHead(file, head, false) === 'sqlite') throw new InputError(name, 'an fm database is read from its path, not from a pipe or standard input')
    }
    offset += chunk.length
    scanner.push(chunk)
    if (scanner.out.length) {
      records += scanner.out.length
      yield* scanner.out.splice(0)
    }
    opts.onProgress?.({file: name, bytesRead: offset, totalBytes: 0, records})
  }
  if (offset === 0) throw new InputError(name, 'empty: expected a Skydive JSON response')
  if (head.length < HEAD) classifyHead(file, head, true)
  scanner.end(offset)
  if (scanner.out.length) yield* scanner.out.splice(0)
}
