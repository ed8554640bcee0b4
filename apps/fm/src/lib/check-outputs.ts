import {realpathSync, statSync} from 'node:fs'
import {basename, dirname, isAbsolute, join, relative, resolve} from 'node:path'
import {STDIN} from '@fm/ingest'
import {UsageError} from '@fm/model'
import {checkFileTarget} from '@fm/store'

/** What one run of a command reads and writes, by flag, for checkOutputs. */
export interface RunPaths {
  /** The positional inputs: dumps, capture folders, databases (`-`, standard input, is skipped). */
  inputs: string[]
  /** Other files or folders it reads, by flag; the redaction key goes here (`{'--key': flags.key, '--groups': flags.groups}`). */
  read?: Record<string, string | undefined>
  /** Files it writes, by flag (`{'--output': flags.output, '--db': flags.db}`). */
  files?: Record<string, string | undefined>
  /** Folders it creates, or replaces whole, by flag (`{'--out': flags.out}`). */
  folders?: Record<string, string | undefined>
}

/** Where a path leads: its real path (that of its folder when it does not exist yet) and, when it exists, its device and inode. */
interface Place {
  real: string
  id: string | null
  folder: boolean
}

function placeOf(path: string): Place {
  try {
    const st = statSync(path)
    return {real: realpathSync(path), id: `${st.dev}:${st.ino}`, folder: st.isDirectory()}
  } catch {
    const abs = resolve(path)
    let parent = dirname(abs)
    try {
      parent = realpathSync(parent)
    } catch {
      // a folder that does not exist either: the path as given
    }
    return {real: join(parent, basename(abs)), id: null, folder: false}
  }
}

/** Whether `path` is strictly inside `dir`. */
function inside(path: string, dir: string): boolean {
  const r = relative(dir, path)
  return r !== '' && !r.startsWith('..') && !isAbsolute(r)
}

/**
 * Checks the outputs of a run before any work, so that nothing is written when one is wrong:
 * each output file must be able to become a file, and no output may be (by any name: a link,
 * `..`, a hard link) one of the files the run reads, the key included, nor a file inside an
 * input folder (a capture), nor a folder holding an input; two outputs may not be one file,
 * nor one inside the other.
 * A collision is a UsageError naming both flags and paths. Example:
 * `checkOutputs({inputs: dumps, read: {'--key': flags.key}, files: {'--map': flags.map}, folders: {'--out': flags.out}})`
 */
export function checkOutputs(run: RunPaths): void {
  const given = (r: Record<string, string | undefined> | undefined): [string, string][] => Object.entries(r ?? {}).filter((e): e is [string, string] => e[1] !== undefined)
  const files = given(run.files)
  const outputs = [...files, ...given(run.folders)].map(([flag, path]) => ({flag, path, place: placeOf(path)}))
  // a file written inside a folder another output creates (`--map` in `--out`) would end up in it
  for (const o of outputs) {
    const folder = given(run.folders).find(([flag, path]) => flag !== o.flag && inside(o.place.real, placeOf(path).real))
    if (folder) throw new UsageError(`${o.flag} ${o.path} would be inside ${folder[0]} ${folder[1]}: keep the outputs apart`, [`Give ${o.flag} a path outside ${folder[1]}.`])
  }
  for (const [, file] of files) checkFileTarget(file)
  const reads = [...run.inputs.filter((i) => i !== STDIN).map((i): [string, string] => ['', i]), ...given(run.read)]
    .map(([flag, path]) => ({what: flag === '' ? `the input ${path}` : `${flag} ${path}`, place: placeOf(path)}))
  for (const o of outputs) {
    for (const r of reads) {
      const how = collision(o.place, r.place)
      if (how) throw new UsageError(`${o.flag} ${o.path} ${how} ${r.what}: fm never writes over what it reads`, [`Give ${o.flag} a new ${o.place.folder ? 'folder' : 'file'} name.`])
    }
    const other = outputs.find((x) => x !== o && collision(o.place, x.place) === 'is')
    if (other) throw new UsageError(`${o.flag} and ${other.flag} name the same file ${o.path}`)
  }
}

/** How writing `out` would harm what is at `read`: it is the same, it lies inside a read folder, or it is a folder (replaced whole) holding it. */
function collision(out: Place, read: Place): 'is' | 'is inside' | 'holds' | null {
  if (out.real === read.real || (out.id !== null && out.id === read.id)) return 'is'
  // a new file in an input folder harms nothing; an existing one is replaced
  if (out.id !== null && read.folder && inside(out.real, read.real)) return 'is inside'
  if (out.folder && inside(read.real, out.real)) return 'holds'
  return null
}
