import {randomBytes} from 'node:crypto'
import {closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {InputError, UsageError} from '@fm/model'

const MARK = '# fm policy\n'

/**
 * Writes a policy folder whole: into a sibling temporary folder, file by file, then renamed into
 * place, so a failed run leaves the old folder as it was. An existing DIR is replaced only when it
 * is empty or a folder fm policy wrote (its README.md says so); anything else is refused. Every
 * failure is a UsageError naming DIR, with the temporary folder removed. Example:
 * `const w = new PolicyDirWriter(dir); w.add('a.nft', text); w.commit()`
 */
export class PolicyDirWriter {
  private readonly temp: string
  private readonly old: string
  private fd: number | null = null
  private buffer = ''

  constructor(private readonly dir: string) {
    if (existsSync(dir)) {
      if (!statSync(dir).isDirectory()) throw new UsageError(`--out ${dir} exists and is not a folder`)
      const names = readdirSync(dir)
      const ours = names.includes('README.md') && readFileSync(join(dir, 'README.md'), 'utf8').startsWith(MARK)
      if (names.length > 0 && !ours) throw new UsageError(`--out ${dir} is a folder fm policy did not write: give a new or empty folder`)
    }
    const tag = `${process.pid}-${randomBytes(3).toString('hex')}`
    this.temp = join(dirname(dir), `.${basename(dir)}.partial-${tag}`)
    this.old = join(dirname(dir), `.${basename(dir)}.old-${tag}`)
    this.guard(() => mkdirSync(this.temp, {recursive: true}))
  }

  /** Writes a file of the folder (names come from hostFileName: no separator, never `.` or `..`). */
  add(name: string, text: string): void {
    this.guard(() => writeFileSync(join(this.temp, name), text, {flag: 'wx'}))
  }

  /** Opens a file to be written in pieces with `append` (one at a time), closed by `commit`. */
  open(name: string): void {
    this.guard(() => {
      this.close()
      this.fd = openSync(join(this.temp, name), 'wx')
    })
  }

  append(text: string): void {
    this.buffer += text
    if (this.buffer.length >= 1 << 20) this.guard(() => this.flush())
  }

  /** Puts the folder in place of DIR. */
  commit(): void {
    this.guard(() => {
      this.close()
      if (existsSync(this.dir)) renameSync(this.dir, this.old)
      renameSync(this.temp, this.dir)
    })
    rmSync(this.old, {recursive: true, force: true})
  }

  /** Removes what was written (DIR is left as it was). */
  abort(): void {
    this.buffer = ''
    try {
      this.close()
    } catch {
      // already closed
    }
    rmSync(this.temp, {recursive: true, force: true})
    if (existsSync(this.old) && !existsSync(this.dir)) renameSync(this.old, this.dir)
  }

  private flush(): void {
    const text = this.buffer
    this.buffer = ''
    writeFileSync(this.fd!, text)
  }

  private close(): void {
    if (this.fd === null) return
    if (this.buffer) this.flush()
    const fd = this.fd
    this.fd = null
    closeSync(fd)
  }

  private guard(f: () => void): void {
    try {
      f()
    } catch (e) {
      this.abort()
      throw new UsageError(`cannot write ${this.dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
    }
  }
}

/** The files of a policy folder (host files and README.md), for parsePolicyFiles. */
export function readPolicyDir(dir: string): {name: string; text: string}[] {
  return policyDirFiles(dir).map(readPolicyFile)
}

/** The paths of a policy folder's rule files (`.nft`, `.rules`, `.rules6`), sorted; an InputError when there are none. */
export function policyDirFiles(dir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new InputError(dir, code === 'ENOENT' ? 'no such policy folder' : code === 'ENOTDIR' ? 'not a folder: give the folder fm policy --out wrote' : `cannot read (${code})`)
  }
  const files = names.filter((n) => /\.(nft|rules|rules6)$/.test(n)).sort()
  if (files.length === 0) throw new InputError(dir, 'no .nft, .rules or .rules6 file: not a folder fm policy wrote')
  return files.map((name) => join(dir, name))
}

/** A rule file of a policy folder, read. */
export function readPolicyFile(name: string): {name: string; text: string} {
  return {name, text: readFileSync(name, 'utf8')}
}
