import {randomBytes} from 'node:crypto'
import {renameSync, rmSync, writeFileSync} from 'node:fs'
import {UsageError} from '@fm/model'

/** Writes a whole file under a temporary name and renames it, so no half-written output is left. */
export function writeAtomic(file: string, data: string | Uint8Array): void {
  const temp = `${file}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`
  try {
    writeFileSync(temp, data)
    renameSync(temp, file)
  } catch (e) {
    rmSync(temp, {force: true})
    throw new UsageError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
  }
}
