import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {allText} from './helpers/all-text.js'
import {FM_BIN, REPO_ROOT, runFm} from './helpers/run-command.js'
import {FakeAnalyzerProcesses, selfSignedCertificate} from '@fm/fake-analyzer'

// The built binary against the fake analyzer started the way a person starts it (its npm
// script's entry point, in its own process), so spawnSync-based runFm cannot block it.
const DUMP = 'fixtures/skydive/two-agents.json'
const PASSWORD = 'e2e-Pw-51a9-do-not-leak'
const work = mkdtempSync(join(tmpdir(), 'fm-capture-e2e-'))
const fakes = new FakeAnalyzerProcesses(DUMP, PASSWORD)
const startFake = (args: string[]): Promise<string> => fakes.start(args)

afterAll(() => {
  fakes.stopAll()
  rmSync(work, {recursive: true, force: true})
})

describe('fm capture (built binary)', () => {
  let analyzer: string
  beforeAll(async () => {
    analyzer = await startFake(['--username', 'admin'])
  })

  test('captures with a password from FM_PASSWORD, analyzes to the same CSV, and prints the password nowhere', () => {
    const out = join(work, 'site')
    const env = {FM_PASSWORD: PASSWORD}
    const cap = runFm(['capture', '--analyzer', analyzer, '--username', 'admin', '--out', out], {env})
    expect(cap.stderr).toBe('')
    expect(cap.status).toBe(0)
    expect(cap.stdout).toMatch(new RegExp(`^${out}: 1 snapshot\\(s\\) from http://${analyzer}, 0\\.1 MB; 2 hosts, 174 sockets, 16 interfaces, 4 netns, 57 ownership edges\\n$`))
    const fromCapture = runFm(['analyze', out])
    const direct = runFm(['analyze', DUMP])
    expect(fromCapture.status).toBe(0)
    expect(fromCapture.stdout).toBe(direct.stdout)
    const oneStep = runFm(['analyze', '--analyzer', analyzer, '--username', 'admin'], {env})
    expect(oneStep.stdout).toBe(direct.stdout)
    const failed = runFm(['capture', '--analyzer', analyzer, '--username', 'admin', '--out', join(work, 'x')], {env: {FM_PASSWORD: `${PASSWORD}-wrong`}})
    expect(failed.status).toBe(3)
    expect(failed.stderr).toContain('login refused for user "admin" (401)')
    const everything = [cap, fromCapture, oneStep, failed].flatMap((r) => [r.stdout, r.stderr]).join('\n') + allText(out)
    expect(everything).not.toContain(PASSWORD)
  }, 180_000)

  test('on a terminal, prompts for the password without echoing it', async () => {
    // util-linux `script` gives fm a pseudo-terminal, as a person typing at the prompt would
    const out = join(work, 'prompted')
    const child = spawn('script', ['-qfec', `"${process.execPath}" "${FM_BIN}" capture --analyzer ${analyzer} --username admin --out "${out}"`, '/dev/null'], {
      cwd: REPO_ROOT,
      env: {...process.env, FM_PASSWORD: ''},
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let text = ''
    child.stdout!.on('data', (c: Buffer) => {
      text += c.toString()
      if (text.includes('Password for admin at') && !child.stdin!.writableEnded) child.stdin!.end(`${PASSWORD}\r`)
    })
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(text).toContain(`Password for admin at ${analyzer}:`)
    expect(code).toBe(0)
    expect(text).toContain(`${out}: 1 snapshot(s)`)
    expect(text).not.toContain(PASSWORD)
  })

  test.for(['SIGINT', 'SIGTERM'] as const)('%s during a capture exits 130 and leaves no folder, not even a partial one', async (signal) => {
    const slow = await startFake(['--slow-ms', '20000'])
    const out = join(work, `interrupted-${signal}`)
    const child = spawn(process.execPath, [FM_BIN, 'capture', '--analyzer', slow, '--out', out], {cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()))
    // wait until the capture is under way (its hidden folder exists), then interrupt it
    for (let i = 0; i < 200 && !readdirSync(work).some((f) => f.startsWith(`.interrupted-${signal}.partial-`)); i++) await new Promise((r) => setTimeout(r, 50))
    expect(readdirSync(work).some((f) => f.startsWith(`.interrupted-${signal}.partial-`))).toBe(true)
    child.kill(signal)
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(130)
    expect(stderr).toContain('capture interrupted')
    expect(existsSync(out)).toBe(false)
    expect(readdirSync(work).filter((f) => f.includes(`interrupted-${signal}`))).toEqual([])
  })

  test('TLS: --ssl --ca works, --ssl alone is refused with exit 3 and a suggestion', async () => {
    const cert = selfSignedCertificate(work)
    const tls = await startFake(['--tls-cert', cert.certFile, '--tls-key', cert.keyFile])
    const ok = runFm(['capture', '--analyzer', tls, '--ssl', '--ca', cert.certFile, '--out', join(work, 'tls-ok')])
    expect(ok.status).toBe(0)
    const refused = runFm(['capture', '--analyzer', tls, '--ssl', '--out', join(work, 'tls-refused')])
    expect(refused.status).toBe(3)
    expect(refused.stderr).toContain("the analyzer's TLS certificate cannot be verified")
    expect(refused.stderr).toContain('with --ca.')
    expect(existsSync(join(work, 'tls-refused'))).toBe(false)
  })
})
