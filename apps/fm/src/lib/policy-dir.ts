import {randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {InputError, UsageError} from '@fm/model'

const MARK = '# fm policy\n'

/**
 * Writes a policy folder whole: into a sibling temporary folder, then renamed into place, so a
 * failed run leaves the old folder as it was. An existing DIR is replaced only when it is empty
 * or a folder fm policy wrote (its README.md says so); anything else is refused.
 */
export function writePolicyDir(dir: string, files: {name: string; text: string}[]): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new UsageError(`--out ${dir} exists and is not a folder`)
    const names = readdirSync(dir)
    const ours = names.includes('README.md') && readFileSync(join(dir, 'README.md'), 'utf8').startsWith(MARK)
    if (names.length > 0 && !ours) throw new UsageError(`--out ${dir} is a folder fm policy did not write: give a new or empty folder`)
  }
  const tag = `${process.pid}-${randomBytes(3).toString('hex')}`
  const temp = join(dirname(dir), `.${basename(dir)}.partial-${tag}`)
  const old = join(dirname(dir), `.${basename(dir)}.old-${tag}`)
  try {
    mkdirSync(temp, {recursive: true})
    // names come from hostFileName: no separator, never `.` or `..`
    for (const f of files) writeFileSync(join(temp, f.name), f.text, {flag: 'wx'})
    if (existsSync(dir)) renameSync(dir, old)
    renameSync(temp, dir)
  } catch (e) {
    rmSync(temp, {recursive: true, force: true})
    if (existsSync(old) && !existsSync(dir)) renameSync(old, dir)
    throw new UsageError(`cannot write ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
  }
  rmSync(old, {recursive: true, force: true})
}

/** The files of a policy folder (host files and README.md), for parsePolicyFiles. */
export function readPolicyDir(dir: string): {name: string; text: string}[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new InputError(dir, code === 'ENOENT' ? 'no such policy folder' : code === 'ENOTDIR' ? 'not a folder: give the folder fm policy --out wrote' : `cannot read (${code})`)
  }
  const files = names.filter((n) => /\.(nft|rules|rules6)$/.test(n)).sort()
  if (files.length === 0) throw new InputError(dir, 'no .nft, .rules or .rules6 file: not a folder fm policy wrote')
  return files.map((name) => ({name: join(dir, name), text: readFileSync(join(dir, name), 'utf8')}))
}
