import {statSync} from 'node:fs'
import {dirname} from 'node:path'
import {OutputError} from '@fm/model'

/**
 * Refuses, before any work, a path that cannot become a file fm writes: a folder (EISDIR), or a
 * path whose folder does not exist (ENOENT). An existing file is fine: it is replaced at the end.
 * The one statement of this rule, for `analyze`'s database and every command's outputs.
 */
export function checkFileTarget(file: string): void {
  let st
  try {
    st = statSync(file)
  } catch {
    try {
      if (statSync(dirname(file)).isDirectory()) return
    } catch {
      // told below
    }
    throw new OutputError(file, 'ENOENT')
  }
  if (st.isDirectory()) throw new OutputError(file, 'EISDIR')
}
