import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {describe, expect, test} from 'vitest'

// a memory bound (a child with a small heap): run by `npm test` after the other tests, alone (the vitest project "bounds")

describe('a streamed matrix larger than a whole-matrix report survives', () => {
  // 250,000 entries take ~55 MB as objects: a heap capped at 32 MB holds the aggregate, not them.
  const child = fileURLToPath(new URL('./helpers/stream-report-child.ts', import.meta.url))
  const run = (...args: string[]): ReturnType<typeof spawnSync> =>
    spawnSync(process.execPath, ['--max-old-space-size=32', '--import', 'tsx', child, '250000', ...args], {encoding: 'utf8', timeout: 120_000})

  test('aggregates in a 32 MB heap', () => {
    const r = run()
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(JSON.parse(String(r.stdout))).toMatchObject({entries: 250_000, shown: 1000, kept: 0})
  })

  test('while keeping the entries in the same heap runs out of memory', () => {
    const r = run('hold')
    expect(r.status).not.toBe(0)
    expect(String(r.stderr)).toMatch(/heap out of memory/)
  })
})
