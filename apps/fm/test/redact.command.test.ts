import {chmodSync, existsSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import Redact, {type RedactResult} from '../src/commands/redact.js'
import Report from '../src/commands/report.js'
import {REPO_ROOT, runCommand} from './helpers/run-command.js'
import {scratch, TWO_AGENTS} from './check-fixture.js'

const tmp = scratch('fm-redact-cmd-')
afterAll(() => tmp.cleanup())

describe('fm redact', () => {
  test('--json returns the typed result: the capture, the key fingerprint, the counts and the map', async () => {
    const out = join(tmp.dir, 'json-out')
    const map = join(tmp.dir, 'json-map.csv')
    const key = join(tmp.dir, 'json.key')
    const r = await runCommand<RedactResult>(Redact, [TWO_AGENTS, '--key', key, '--out', out, '--map', map, '--json'])
    expect(r.exitCode).toBe(0)
    expect(r.result).toEqual({
      out, keyFingerprint: expect.stringMatching(/^sha256:[0-9a-f]{16}$/), snapshots: 1,
      // what fm capture counted when it captured the same dump from the fake analyzer
      counts: JSON.parse(readFileSync(join(REPO_ROOT, 'fixtures/capture/two-agents/manifest.json'), 'utf8')).counts,
      map: {file: map, rows: expect.any(Number)},
    })
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).redaction.keyFingerprint).toBe(r.result!.keyFingerprint)
    expect(statSync(key).mode & 0o777).toBe(0o600)
  })

  test('a bad --keep-address is a usage error, and a missing input bad input; nothing is written', async () => {
    const out = join(tmp.dir, 'bad-out')
    const key = join(tmp.dir, 'bad.key')
    const bad = await runCommand(Redact, [TWO_AGENTS, '--key', key, '--out', out, '--keep-address', '10.0.0/8'])
    expect([bad.exitCode, bad.stderr]).toEqual([2, expect.stringContaining('"10.0.0/8" is not an address or CIDR')])
    const missing = await runCommand(Redact, [join(tmp.dir, 'none.json'), '--key', key, '--out', out])
    expect(missing.exitCode).toBe(3)
    expect(existsSync(out)).toBe(false)
  })

  test.for([
    [0o644, true],
    [0o640, true],
    [0o602, true],
    [0o600, false],
    [0o400, false],
  ] as [number, boolean][])('a key of mode %o is used, with a warning and the chmod that fixes it when others may read or write it (%s)', async ([mode, warned]) => {
    const key = join(tmp.dir, `mode-${mode.toString(8)}.key`)
    writeFileSync(key, 'cd'.repeat(32) + '\n')
    chmodSync(key, mode)
    const r = await runCommand(Redact, [TWO_AGENTS, '--key', key, '--out', join(tmp.dir, `mode-${mode.toString(8)}-out`)])
    expect(r.exitCode).toBe(0)
    const warning = `warning: the redaction key ${key} can be read or written by others (mode 0${mode.toString(8)}): chmod 600 ${key}`
    if (warned) expect(r.stderr).toContain(warning)
    else expect(r.stderr).not.toContain('warning')
    // the key is the user's: fm says what to do, and changes nothing
    expect(statSync(key).mode & 0o777).toBe(mode)
  })

  test('fm report --redact writes the report of the redacted inputs', async () => {
    const key = join(tmp.dir, 'report.key')
    const html = join(tmp.dir, 'r.html')
    const r = await runCommand(Report, [TWO_AGENTS, '--redact', '--key', key, '--out', html])
    expect(r.exitCode).toBe(0)
    const text = readFileSync(html, 'utf8')
    expect(text).toMatch(/host-[0-9a-f]{12}/)
    for (const secret of ['agent-1', 'agent-2', 'safchain', '192.168.50.254']) expect(text).not.toContain(secret)
  })
})
