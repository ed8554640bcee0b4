// A misbehaving analyzer, through the built binary (issue 12, items 3, 8, 9, 13, 17, 20): one
// that echoes the login form (password included, in any encoding), sends endless bodies,
// stalls, or speaks TLS to a plain-http client; bad CA files and capture targets. The fake
// analyzer is a real HTTP server on loopback in this process; fm runs asynchronously.
import {spawnSync} from 'node:child_process'
import {closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, symlinkSync, writeFileSync, writeSync} from 'node:fs'
import {STATUS_CODES} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, afterEach, describe, expect, test} from 'vitest'
import {selfSignedCertificate, startFakeAnalyzer, type FakeAnalyzer, type FakeAnalyzerOptions} from '@fm/fake-analyzer'
import {REPO_ROOT} from '../helpers/run-command.js'
import {spawnFm, type SpawnOptions} from '../helpers/spawn-fm.js'

const DUMP = join(REPO_ROOT, 'fixtures/skydive/two-agents.json')
const work = mkdtempSync(join(tmpdir(), 'fm-capture-faults-'))
const fakes: FakeAnalyzer[] = []
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.stop()
})
afterAll(() => rmSync(work, {recursive: true, force: true}))

async function fake(opts: Partial<FakeAnalyzerOptions> = {}): Promise<FakeAnalyzer> {
  const fa = await startFakeAnalyzer({graph: DUMP, ...opts})
  fakes.push(fa)
  return fa
}
const hostPort = (fa: FakeAnalyzer): string => fa.url.replace(/^https?:\/\//, '')
let n = 0
const newOut = (): string => join(work, `capture-${++n}`)
const capture = (fa: FakeAnalyzer, args: string[], opts: SpawnOptions = {}) => spawnFm(['capture', '--analyzer', hostPort(fa), ...args], opts)

/** Nothing of a capture at `out`: neither the folder nor its hidden temporary one. */
function expectNoCapture(out: string): void {
  expect(existsSync(out)).toBe(false)
  expect(readdirSync(work).filter((f) => f.includes('.partial-'))).toStrictEqual([])
}

// The forms a server may echo a password in, computed with the standard library
function leaks(password: string, user: string): string[] {
  const json = JSON.stringify(password).slice(1, -1)
  return [
    password,
    encodeURIComponent(password),
    new URLSearchParams({p: password}).toString().slice(2),
    json,
    json.replace(/</g, '\\u003c').replace(/&/g, '\\u0026'),
    Buffer.from(password).toString('base64'),
    Buffer.from(`username=${user}&password=${password}`).toString('base64'),
    Buffer.from(new URLSearchParams({username: user, password}).toString()).toString('base64'),
  ]
}

describe('the password never appears in a message, whatever the analyzer echoes', () => {
  const PASSWORD = 'Tr0ub4dor&3 ü"<x'
  test.for([
    {status: 400, as: 'raw'},
    {status: 400, as: 'form'},
    {status: 400, as: 'json'},
    {status: 400, as: 'base64'},
    {status: 403, as: 'form'},
    // retried three times first (1 + 2 + 4 s of backoff), like any 5xx
    {status: 500, as: 'form'},
  ] as const)('login answered $status echoing the form ($as)', async ({status, as}) => {
    const fa = await fake({users: {admin: PASSWORD}, faults: {echoLogin: {status, as}}})
    const out = newOut()
    const r = await capture(fa, ['--username', 'admin', '--out', out], {env: {FM_PASSWORD: PASSWORD}})
    expect(r.status).toBe(3)
    expect(r.stderr).toMatch(status === 403 ? /login refused for user "admin" \(403\)/ : new RegExp(`${fa.url}: login failed with ${status} ${STATUS_CODES[status]} \\(the analyzer's answer is not shown: it may echo the password\\)`))
    for (const leak of leaks(PASSWORD, 'admin')) expect(r.stderr).not.toContain(leak)
    expectNoCapture(out)
  })

  test('fm publish: the same login echo', async () => {
    const fa = await fake({users: {admin: PASSWORD}, faults: {echoLogin: {status: 400, as: 'form'}}})
    const r = await spawnFm(['publish', DUMP, '--analyzer', hostPort(fa), '--username', 'admin'], {env: {FM_PASSWORD: PASSWORD}})
    expect(r.status).toBe(3)
    expect(r.stderr).toMatch(/login failed with 400/)
    for (const leak of leaks(PASSWORD, 'admin')) expect(r.stderr).not.toContain(leak)
  })

  test('a short password (1) leaves fm\'s own words whole: the address is not garbled into a hint', async () => {
    const fa = await fake({users: {admin: '1'}, faults: {echoLogin: {status: 400, as: 'raw'}}})
    const r = await capture(fa, ['--username', 'admin', '--out', newOut()], {env: {FM_PASSWORD: '1'}})
    expect(r.status).toBe(3)
    expect(r.stderr).toContain(`Error: ${fa.url}: login failed with 400 Bad Request`)
    expect(r.stderr).not.toContain('***')
    expect(r.stderr).not.toMatch(/password=/)
  })
})

describe('endless and stalled bodies', () => {
  test('an endless error body is read to 4 KiB: one bounded line, exit 3', async () => {
    const fa = await fake({faults: {endlessErrorBody: 400}})
    const out = newOut()
    const r = await capture(fa, ['--out', out])
    expect(r.status).toBe(3)
    expect(r.stderr).toMatch(/rejected the Gremlin query .* \(400\): (error )+/)
    expect(r.stderr.length).toBeLessThan(1000)
    expectNoCapture(out)
  })

  test('an endless JSON string stops at the element bound (64 MiB) instead of filling memory: exit 3', async () => {
    const fa = await fake({faults: {endlessString: true}})
    const out = newOut()
    const r = await capture(fa, ['--out', out])
    expect(r.stderr).toMatch(/is not a Skydive response: element 0 is larger than 64 MiB/)
    expect(r.status).toBe(3)
    expectNoCapture(out)
  })

  test.for(['SIGINT', 'SIGTERM'] as const)('%s while the analyzer stalls mid-body (no Content-Length): exit 130, not "ends before its JSON closes"', async (signal) => {
    const fa = await fake({faults: {stallBody: true}})
    const out = newOut()
    const r = await capture(fa, ['--out', out], {
      onSpawn: (child) => {
        const poll = setInterval(() => {
          if (fa.requests.some((q) => q.path === '/api/topology')) {
            clearInterval(poll)
            child.kill(signal)
          }
        }, 20)
        child.on('exit', () => clearInterval(poll))
      },
    })
    expect(r.stderr).toMatch(/capture interrupted/)
    expect(r.stderr).not.toMatch(/JSON/)
    expect(r.status).toBe(130)
    expectNoCapture(out)
  })
})

describe('TLS mistakes say what is wrong', () => {
  const certs = join(work, 'certs')
  mkdirSync(certs)
  const cert = selfSignedCertificate(certs)

  test.for([
    ['garbage', 'this is not a certificate\n'],
    ['empty', ''],
    ['a private key', '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n'],
  ])('--ca with %s is refused before any request: exit 2', async ([name, text]) => {
    const fa = await fake({tls: {cert: cert.cert, key: cert.key}})
    const ca = join(certs, `${name.replace(/\W/g, '-')}.pem`)
    writeFileSync(ca, text)
    const r = await capture(fa, ['--ssl', '--ca', ca, '--out', newOut()])
    expect(r.stderr.trim()).toBe(`Error: --ca ${ca}: no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)`)
    expect(r.status).toBe(2)
    expect(fa.requests).toStrictEqual([])
  })

  test('a damaged certificate in the CA file is refused: exit 2', async () => {
    const fa = await fake({tls: {cert: cert.cert, key: cert.key}})
    const ca = join(certs, 'damaged.pem')
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')
    const r = await capture(fa, ['--ssl', '--ca', ca, '--out', newOut()])
    expect(r.stderr).toMatch(/--ca \S+damaged\.pem: a certificate in it cannot be read/)
    expect(r.status).toBe(2)
  })

  test('a valid CA that did not sign the analyzer\'s certificate is named as such, not "self-signed": exit 3', async () => {
    const fa = await fake({tls: {cert: cert.cert, key: cert.key}})
    const otherDir = join(certs, 'other')
    mkdirSync(otherDir)
    const other = selfSignedCertificate(otherDir)
    const r = await capture(fa, ['--ssl', '--ca', other.certFile, '--out', newOut()])
    expect(r.stderr).toContain(`Error: ${fa.url}: the analyzer's TLS certificate is not signed by a CA in --ca ${other.certFile} (`)
    expect(r.status).toBe(3)
  })

  test('plain http to an https analyzer: "speaks https, add --ssl" at once, no retries about memory', async () => {
    const fa = await fake({tls: {cert: cert.cert, key: cert.key}})
    const out = newOut()
    const r = await capture(fa, ['--out', out])
    expect(r.stderr).toContain(`Error: http://${hostPort(fa)}: the analyzer speaks https, not plain http`)
    expect(r.stderr).toContain('Try: Add --ssl.')
    expect(r.stderr).not.toMatch(/memory/)
    expect(r.status).toBe(3)
    expectNoCapture(out)
  })
})

describe('a capture target that cannot be one fails before the analyzer is asked anything: exit 2', () => {
  test.for<readonly [string, () => string, RegExp]>([
    ['a dangling symbolic link', () => {
      const link = join(work, 'dangling')
      symlinkSync(join(work, 'nowhere'), link)
      return link
    }, /^Error: \S+dangling already exists$/m],
    ['an empty path', () => '', /^Error: --out is empty: name the capture folder to create$/m],
    ['a path under a file', () => {
      const file = join(work, 'a-file')
      writeFileSync(file, '')
      return join(file, 'cap')
    }, /^Error: cannot create \S+a-file\/cap: \S+a-file is not a folder$/m],
    ['a path in a missing folder', () => join(work, 'missing', 'cap'), /^Error: cannot create \S+missing\/cap: folder \S+missing does not exist$/m],
  ])('--out %s', async ([, target, message]) => {
    const fa = await fake()
    const r = await capture(fa, ['--out', target()])
    expect(r.stderr).toMatch(message)
    expect(r.status).toBe(2)
    expect(fa.requests).toStrictEqual([])
  })
})

// Mounting needs root (CAP_SYS_ADMIN); elsewhere the test says why it does not run.
const mnt = join(work, 'full')
mkdirSync(mnt)
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]).status === 0
afterAll(() => {
  if (mounted) spawnSync('umount', [mnt])
})

describe.skipIf(!mounted)('a capture onto a full disk (a 64 KiB tmpfs; needs root to mount it)', () => {
  test('one line naming the capture, exit 6, nothing left but what was there', async () => {
    // the two-agent dump's responses are about 100 KB: more than the disk holds
    const fa = await fake()
    const fd = openSync(join(mnt, 'filler'), 'w')
    writeSync(fd, Buffer.alloc(16 * 1024))
    closeSync(fd)
    const out = join(mnt, 'cap')
    const r = await capture(fa, ['--out', out])
    expect(r.stderr.trim()).toBe(`Error: cannot write ${out}: no space left on the device (ENOSPC)`)
    expect(r.status).toBe(6)
    expect(readdirSync(mnt)).toStrictEqual(['filler'])
  })
})
