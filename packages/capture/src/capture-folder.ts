import {randomBytes} from 'node:crypto'
import {lstatSync, statSync} from 'node:fs'
import {mkdir, rename, rm, writeFile} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import {asOutputError, OutputError, UsageError} from '@fm/model'
import {MANIFEST_FILE, type CaptureManifest, type RecordCounts} from '@fm/ingest'

/**
 * An fm capture folder being written: everything goes under a hidden temporary name next to
 * `out` (`.NAME.partial-PID-XXXX`), the manifest is written last and the folder renamed, so a
 * failed, interrupted or crashed writer never leaves anything that looks complete. Shared by
 * every writer of capture folders (`fm capture`, `fm capture --ssh`, `fm redact`).
 */
export class CaptureFolderWriter {
  private constructor(readonly out: string, readonly temp: string) {}

  /**
   * Starts a folder for `out`, which must not exist yet (a capture never overwrites one). The
   * folder is made before any work: a target that cannot be written fails now, not after a long capture.
   */
  static async create(out: string): Promise<CaptureFolderWriter> {
    checkTarget(out)
    const temp = join(dirname(out), `.${basename(out)}.partial-${process.pid}-${randomBytes(3).toString('hex')}`)
    await written(out, () => mkdir(temp))
    return new CaptureFolderWriter(out, temp)
  }

  /** The absolute path of `file` (`/`-separated, relative to the folder) while it is written. */
  path(file: string): string {
    return join(this.temp, ...file.split('/'))
  }

  /** Writes the manifest, then renames the folder to `out`. */
  async commit(manifest: CaptureManifest): Promise<void> {
    await written(this.out, () => writeFile(join(this.temp, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n'))
    await written(this.out, () => rename(this.temp, this.out))
  }

  /** Removes the temporary folder (after a failure). */
  async abort(): Promise<void> {
    await rm(this.temp, {recursive: true, force: true})
  }
}

/** Refuses a target that exists in any form (a dangling symbolic link too) or has no folder to go in. */
function checkTarget(out: string): void {
  if (out.trim() === '') throw new UsageError('`out` is empty: name the capture folder to create')
  let exists = true
  try {
    lstatSync(out)
  } catch {
    exists = false
  }
  if (exists) throw new UsageError(`${out} already exists`, ['Choose a new `out` path: a capture never overwrites one.'])
  let parent
  try {
    parent = statSync(dirname(out))
  } catch {
    throw new UsageError(`cannot create ${out}: folder ${dirname(out)} does not exist`)
  }
  if (!parent.isDirectory()) throw new UsageError(`cannot create ${out}: ${dirname(out)} is not a folder`)
}

/** Runs file work for the capture at `out`; a system error (disk full, permission) becomes an OutputError naming it. */
export async function written<T>(out: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (e) {
    // a file inside the hidden temporary folder means nothing to the user: the capture is named
    if (e instanceof OutputError) throw new OutputError(out, e.code)
    throw asOutputError(out, e)
  }
}

/** Record counts with every field at zero. */
export const zeroCounts = (): RecordCounts => ({hosts: 0, sockets: 0, interfaces: 0, netns: 0, ownership: 0, flows: 0})

/** The field-by-field sum of record counts (of responses, or of snapshots). */
export function sumCounts(list: RecordCounts[]): RecordCounts {
  const t = zeroCounts()
  for (const c of list) for (const k of Object.keys(t) as (keyof RecordCounts)[]) t[k] += c[k]
  return t
}

/**
 * Builds a capture folder through a CaptureFolderWriter: `fill` writes the responses into the
 * temporary folder and returns the manifest, which is written last; on any failure nothing is
 * left behind. Every kind of capture (analyzer, collector) writes its folder through this.
 */
export async function writeCaptureFolder<M extends CaptureManifest>(out: string, fill: (dir: string) => Promise<M>): Promise<M> {
  const writer = await CaptureFolderWriter.create(out)
  let done = false
  try {
    const manifest = await fill(writer.temp)
    await writer.commit(manifest)
    done = true
    return manifest
  } finally {
    if (!done) await writer.abort()
  }
}
