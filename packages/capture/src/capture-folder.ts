import {randomBytes} from 'node:crypto'
import {existsSync} from 'node:fs'
import {mkdir, rename, rm, writeFile} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import {UsageError} from '@fm/model'
import {MANIFEST_FILE, type CaptureManifest} from '@fm/ingest'

/**
 * Builds a capture folder under a hidden temporary name next to `out`: `fill` writes the
 * responses into it and returns the manifest, which is written last (a folder without one is,
 * by definition, incomplete); then the folder is renamed to `out`. On any failure nothing is
 * left behind. Every kind of capture (analyzer, collector) writes its folder through this.
 */
export async function writeCaptureFolder<M extends CaptureManifest>(out: string, fill: (dir: string) => Promise<M>): Promise<M> {
  if (existsSync(out)) throw new UsageError(`${out} already exists`, ['Choose a new --out path: a capture never overwrites one.'])
  if (!existsSync(dirname(out))) throw new UsageError(`cannot create ${out}: folder ${dirname(out)} does not exist`)
  const temp = join(dirname(out), `.${basename(out)}.partial-${process.pid}-${randomBytes(3).toString('hex')}`)
  await mkdir(temp)
  let done = false
  try {
    const manifest = await fill(temp)
    await writeFile(join(temp, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n')
    try {
      await rename(temp, out)
    } catch (e) {
      throw new UsageError(`cannot create ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
    }
    done = true
    return manifest
  } finally {
    if (!done) await rm(temp, {recursive: true, force: true})
  }
}
