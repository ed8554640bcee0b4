import {createHash} from 'node:crypto'
import {open, type FileHandle} from 'node:fs/promises'

/**
 * Writes a JSON response piece by piece: `[` elements `]` (or `[{` members `}]` for a map),
 * through a 1 MB buffer, hashing as it goes, so a file of any size costs one buffer.
 */
export class JsonFileWriter {
  private parts: string[] = []
  private pending = 0
  private count = 0
  private bytes = 0
  private readonly hash = createHash('sha256')

  private constructor(private readonly fh: FileHandle, private readonly map: boolean) {}

  static async create(path: string, opts: {map?: boolean; mode?: number} = {}): Promise<JsonFileWriter> {
    return new JsonFileWriter(await open(path, 'wx', opts.mode ?? 0o644), opts.map ?? false)
  }

  /** Adds one element (or map member) given as JSON text. */
  async add(text: string): Promise<void> {
    this.parts.push(this.count++ === 0 ? (this.map ? '[{\n' : '[\n') : ',\n', text)
    this.pending += text.length
    if (this.pending >= 1 << 20) await this.flush()
  }

  /** Writes raw text (for files that are no JSON array). */
  async raw(text: string): Promise<void> {
    this.parts.push(text)
    this.pending += text.length
    if (this.pending >= 1 << 20) await this.flush()
  }

  private async flush(): Promise<void> {
    const b = Buffer.from(this.parts.join(''), 'utf8')
    this.parts = []
    this.pending = 0
    this.hash.update(b)
    this.bytes += b.length
    await this.fh.write(b)
  }

  /** Closes the array (or map) and the file; returns its size and SHA-256. */
  async close(opts: {raw?: boolean} = {}): Promise<{bytes: number; sha256: string; elements: number}> {
    if (!opts.raw) this.parts.push(this.count === 0 ? '[]\n' : this.map ? '\n}]\n' : '\n]\n')
    try {
      await this.flush()
    } finally {
      await this.fh.close()
    }
    return {bytes: this.bytes, sha256: this.hash.digest('hex'), elements: this.count}
  }

  /** Closes the file without finishing it (after a failure). */
  async discard(): Promise<void> {
    await this.fh.close().catch(() => undefined)
  }
}
