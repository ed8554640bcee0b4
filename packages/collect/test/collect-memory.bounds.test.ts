import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, describe, expect, test} from 'vitest'

const CHILD = fileURLToPath(new URL('fixtures/collect-endless.ts', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'fm-collect-memory-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('collect memory', () => {
  test('eight hosts sending without end cost less memory than half of what they sent: output goes to disk, not to memory', () => {
    const hosts = 8
    const mib = 96
    const out = join(dir, 'capture')
    const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, out, String(hosts), String(mib)], {encoding: 'utf8', timeout: 170_000})
    expect(r.status, r.stderr).toBe(0)
    const {error, peakKiB} = JSON.parse(r.stdout) as {error: string; peakKiB: number}
    expect(error).toMatch(new RegExp(`^no host could be collected \\(h0: sent more than ${mib} MiB .*refused`))
    // holding the output would cost at least hosts × mib (768 MiB); a Node process alone takes ~100
    expect(peakKiB / 1024).toBeLessThan((hosts * mib) / 2)
    expect(existsSync(out)).toBe(false)
    expect(readdirSync(dir)).toEqual([])
  })
})
