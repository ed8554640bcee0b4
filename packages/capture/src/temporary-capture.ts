import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {capture, type CaptureOptions, type CaptureResult} from './capture.js'

/**
 * Captures into a private temporary folder, hands it to `work`, and deletes it afterwards
 * whatever happens: the original tool's one-step "query and analyze" use.
 */
export async function withTemporaryCapture<T>(opts: Omit<CaptureOptions, 'out'>, work: (capture: CaptureResult) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'fm-capture-'))
  try {
    return await work(await capture({...opts, out: join(dir, 'capture')}))
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}
