import {mkdirSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import {InterruptedError} from '@fm/model'
import {analyze, type AnalyzeOptions} from '../src/index.js'
import {writeDeployment} from '@fm/gen'

const dir = mkdtempSync(join(tmpdir(), 'fm-abort-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
const deployment = writeDeployment({hosts: 300, seed: 2}, join(dir, 'gen'))

let runs = 0
describe('an analysis stopped by its signal', () => {
  // Each case raises the signal at another step; candidatePageSize 50 gives the picks many pages.
  test.each<[string, (abort: () => void) => Partial<AnalyzeOptions>]>([
    ['while reading', (abort) => ({onProgress: (p) => p.phase === 'read' && abort()})],
    ['when matching starts', (abort) => ({onProgress: (p) => p.phase === 'match' && abort()})],
    ['between pages of picks', (abort) => ({candidatePageSize: 50, onProgress: (p) => p.phase === 'match' && setImmediate(abort)})],
    ['while entries stream', (abort) => ({onEntry: () => abort()})],
    ['while unmatched sockets stream', (abort) => ({onUnmatched: () => abort()})],
  ])('%s: throws InterruptedError and leaves no database', async (_name, raise) => {
    const out = join(dir, `run-${++runs}`)
    const controller = new AbortController()
    const db = join(out, 'kept.db')
    rmSync(out, {recursive: true, force: true})
    mkdirSync(out)
    const error = await analyze({inputs: [deployment.dump], db, signal: controller.signal, ...raise(() => controller.abort())}).then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(InterruptedError)
    expect(readdirSync(out)).toStrictEqual([])
  })

  test('a signal never raised changes nothing', async () => {
    const plain = await analyze({inputs: [deployment.dump]})
    const watched = await analyze({inputs: [deployment.dump], signal: new AbortController().signal})
    expect(watched).toStrictEqual(plain)
  })
})
