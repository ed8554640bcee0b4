import {open, stat} from 'node:fs/promises'
import {InputError, type DumpRecord} from '@fm/model'
import {DumpScanner} from './scanner.js'

export interface ReadProgress {
  file: string
  bytesRead: number
  totalBytes: number
  records: number
}

export interface ReadOptions {
  onProgress?: (p: ReadProgress) => void
  /** Bytes per read; also the granularity of syntax-error offsets. */
  chunkSize?: number
}

/** What kind of input a path holds, decided by its content. */
export type DumpKind = 'json' | 'capture' | 'sqlite'

/** Looks at the start of a file and says whether fm can read it, throwing an InputError when not. */
export async function sniffDump(file: string): Promise<DumpKind> {
  let st
  try {
    st = await stat(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new InputError(file, code === 'ENOENT' ? 'no such file or directory' : `cannot read (${code})`)
  }
  if (st.isDirectory()) return 'capture'
  if (st.size === 0) throw new InputError(file, 'empty file: expected a Skydive JSON response')
  const fh = await open(file, 'r')
  try {
    const buf = Buffer.alloc(Math.min(SNIFF_BYTES, st.size))
    const {bytesRead} = await fh.read(buf, 0, buf.length, 0)
    const head = buf.subarray(0, bytesRead)
    if (head.subarray(0, 16).toString('latin1') === 'SQLite format 3\0') return 'sqlite'
    if (head.includes(0)) throw new InputError(file, `binary data at byte ${head.indexOf(0)}: expected a Skydive JSON response`)
    // White space before the value may be longer than one read: read on until it ends.
    let chunk = head
    let base = 0
    let i = chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? 3 : 0
    for (;;) {
      while (i < chunk.length && WHITE_SPACE.includes(chunk[i])) i++
      if (i < chunk.length) break
      base += chunk.length
      const {bytesRead: n} = await fh.read(buf, 0, buf.length, base)
      if (n === 0) throw new InputError(file, 'only white space: expected a Skydive JSON response')
      chunk = buf.subarray(0, n)
      i = 0
    }
    if (chunk[i] === 0) throw new InputError(file, `binary data at byte ${base + i}: expected a Skydive JSON response`)
    if (chunk[i] !== 0x5b && chunk[i] !== 0x7b) {
      throw new InputError(file, `not JSON at byte ${base + i}: expected '[' or '{' (a Skydive response), got ${JSON.stringify(String.fromCharCode(chunk[i]))}`)
    }
    return 'json'
  } finally {
    await fh.close()
  }
}

/** Bytes the sniffer reads at a time. */
const SNIFF_BYTES = 4096
const WHITE_SPACE = [0x20, 0x0a, 0x0d, 0x09]

/**
 * Streams the records of one Skydive JSON response (a `G` graph, node/edge/flow arrays,
 * or a `Sockets()` map), in bounded memory. Throws InputError naming the byte offset or JSON path.
 */
export async function* readJsonDump(file: string, opts: ReadOptions = {}): AsyncGenerator<DumpRecord> {
  const {size} = await stat(file)
  const scanner = new DumpScanner(file)
  const chunkSize = opts.chunkSize ?? 1 << 20
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
