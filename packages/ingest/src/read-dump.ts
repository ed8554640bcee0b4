import {createReadStream} from 'node:fs'
import {open, stat} from 'node:fs/promises'
import {jsonParser} from 'stream-json/core/parser.js'
import {none, isMany, getManyValues} from 'stream-chain/core'
import {InputError, type DumpRecord} from '@fm/model'
import {RecordSplitter, type Token} from './splitter.js'
import {ShapeError} from './records.js'

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
    const buf = Buffer.alloc(Math.min(4096, st.size))
    await fh.read(buf, 0, buf.length, 0)
    if (buf.subarray(0, 16).toString('latin1') === 'SQLite format 3\0') return 'sqlite'
    if (buf.includes(0)) throw new InputError(file, `binary data at byte ${buf.indexOf(0)}: expected a Skydive JSON response`)
    let i = 0
    if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3
    while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++
    if (i === buf.length) throw new InputError(file, 'only white space: expected a Skydive JSON response')
    if (buf[i] !== 0x5b && buf[i] !== 0x7b) {
      throw new InputError(file, `not JSON at byte ${i}: expected '[' or '{' (a Skydive response), got ${JSON.stringify(String.fromCharCode(buf[i]))}`)
    }
    return 'json'
  } finally {
    await fh.close()
  }
}

/**
 * Streams the records of one Skydive JSON response (a `G` graph, node/edge/flow arrays,
 * or a `Sockets()` map), in bounded memory. Throws InputError naming the byte offset or JSON path.
 */
export async function* readJsonDump(file: string, opts: ReadOptions = {}): AsyncGenerator<DumpRecord> {
  const {size} = await stat(file)
  const parse = jsonParser({packKeys: true, packStrings: true, packNumbers: true, streamKeys: false, streamStrings: false, streamNumbers: false})
  const splitter = new RecordSplitter()
  const decoder = new TextDecoder('utf-8', {fatal: true, ignoreBOM: false})
  let offset = 0
  let records = 0
  const feed = (text: string | typeof none, chunkStart: number, chunkEnd: number): void => {
    let result
    try {
      result = parse(text as string)
    } catch (e) {
      if (text === none && splitter.open) throw new InputError(file, `truncated: the JSON ends at byte ${size} inside ${splitter.path()}`)
      const where = chunkStart === chunkEnd ? `at byte ${chunkStart}` : `between bytes ${chunkStart} and ${chunkEnd}`
      throw new InputError(file, `invalid JSON ${where}, after ${splitter.path()}: ${(e as Error).message.replace(/^Parser cannot parse input: /, '')}`)
    }
    if (result === none) return
    const tokens = isMany(result) ? (getManyValues(result) as Token[]) : [result as Token]
    try {
      for (const t of tokens) {
        if (splitter.done && t.name !== 'whitespace') throw new InputError(file, `unexpected data after the end of the JSON value, between bytes ${chunkStart} and ${chunkEnd}`)
        splitter.push(t)
      }
    } catch (e) {
      if (e instanceof ShapeError) throw new InputError(file, e.message)
      throw e
    }
  }
  const stream = createReadStream(file, {highWaterMark: opts.chunkSize ?? 1 << 20})
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let text: string
      try {
        text = decoder.decode(chunk, {stream: true})
      } catch {
        throw new InputError(file, `not UTF-8 text between bytes ${offset} and ${offset + chunk.length}: expected a Skydive JSON response`)
      }
      feed(text, offset, offset + chunk.length)
      offset += chunk.length
      if (splitter.out.length) {
        records += splitter.out.length
        yield* splitter.out.splice(0)
      }
      opts.onProgress?.({file, bytesRead: offset, totalBytes: size, records})
    }
    feed(none, offset, offset)
    if (splitter.open) throw new InputError(file, `truncated: the JSON ends at byte ${size} inside ${splitter.path()}`)
    if (splitter.out.length) yield* splitter.out.splice(0)
  } finally {
    stream.destroy()
  }
}
