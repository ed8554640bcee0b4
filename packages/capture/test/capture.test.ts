import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest'
import {AnalyzerError, InterruptedError, UsageError} from '@fm/model'
import {readCapture} from '@fm/ingest'
import {AnalyzerClient, capture, type CaptureOptions} from '@fm/capture'
import {selfSignedCertificate, startFakeAnalyzer, type FakeAnalyzer, type FakeAnalyzerOptions} from '@fm/fake-analyzer'

const DUMP = 'fixtures/skydive/two-agents.json'
const PASSWORD = 'pw-9f3c1e-secret'
let work: string
const servers: FakeAnalyzer[] = []

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'fm-capture-test-'))
})
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()))
})
afterAll(() => rmSync(work, {recursive: true, force: true}))

async function fake(opts: Partial<FakeAnalyzerOptions> = {}): Promise<FakeAnalyzer> {
  const fa = await startFakeAnalyzer({graph: DUMP, ...opts})
  servers.push(fa)
  return fa
}

let n = 0
/** Runs a capture into a fresh path; returns the path and the outcome. */
async function run(fa: FakeAnalyzer, opts: Partial<CaptureOptions> = {}): Promise<{out: string; error?: Error}> {
  const out = join(work, `cap-${++n}`)
  try {
    await capture({analyzer: fa.url.replace(/^https?:\/\//, ''), out, toolVersion: 'test', retryDelayMs: 10, ...opts})
    return {out}
  } catch (error) {
    return {out, error: error as Error}
  }
}

/** Nothing that looks like a capture is left: no folder at `out`, no hidden partial folder either. */
function expectNothingLeft(out: string): void {
  expect(existsSync(out)).toBe(false)
  expect(readdirSync(work).filter((f) => f.includes('.partial-'))).toEqual([])
}

describe('capture against a healthy analyzer', () => {
  test('saves the targeted responses with sizes, checksums and counts that readCapture verifies', async () => {
    const fa = await fake()
    const {out, error} = await run(fa)
    expect(error).toBeUndefined()
    const cap = await readCapture(out)
    expect(cap.manifest.analyzer).toBe(fa.url)
    expect(cap.manifest.snapshots[0].responses.map((r) => r.role)).toEqual(['hosts', 'netns', 'interfaces', 'interfaces-v6', 'ownership'])
    expect(cap.manifest.counts).toEqual({hosts: 2, sockets: 174, interfaces: 16, netns: 4, ownership: 57, flows: 0})
    expect(fa.requests.map((r) => r.query)).toEqual(cap.manifest.snapshots[0].responses.map((r) => r.query))
  })

  test('--at and --duration prefix every query with the Gremlin time context', async () => {
    const fa = await fake()
    const {out, error} = await run(fa, {at: '-10m', duration: 60})
    expect(error).toBeUndefined()
    expect(fa.requests.every((r) => r.query?.startsWith("G.Context('-10m', 60).")))
    expect(fa.contexts).toEqual(Array(5).fill(['-10m', 60]))
    expect((await readCapture(out)).manifest.timeContext).toEqual({at: '-10m', duration: 60, gremlin: "Context('-10m', 60)"})
  })

  test('--full sends only G; --use-flows adds flows and their sockets', async () => {
    const fa = await fake()
    const {out} = await run(fa, {full: true, useFlows: true})
    expect(fa.requests.map((r) => r.query)).toEqual(['G', "G.Flows().Has('Transport', NE(''))", "G.Flows().Has('Transport', NE('')).Sockets()"])
    const cap = await readCapture(out)
    expect(cap.snapshots[0].files.map((f) => f.slice(out.length + 1))).toEqual(['snapshot-1/graph.json', 'snapshot-1/flows.json'])
  })

  test('--count takes several snapshots, --every apart', async () => {
    const fa = await fake()
    const t0 = Date.now()
    const {out, error} = await run(fa, {count: 3, everySeconds: 0.2})
    expect(error).toBeUndefined()
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400)
    expect((await readCapture(out)).snapshots.map((s) => s.label)).toEqual(['snapshot-1', 'snapshot-2', 'snapshot-3'])
  })

  test('each snapshot is announced before its first query, and says when it starts late', async () => {
    // slowMs delays each topology answer (a snapshot sends several), so snapshot 2 starts over a second late
    const fa = await fake({faults: {slowMs: 400}})
    const events: string[] = []
    const {error} = await run(fa, {count: 2, everySeconds: 0.05, onProgress: (p) => {
      if (p.phase === 'snapshot') events.push(`snapshot ${p.snapshot} late ${p.lateSeconds > 0}`)
      if (p.phase === 'query' && p.query === 1 && !p.done && p.bytes === 0) events.push(`query of ${p.snapshot}`)
    }})
    expect(error).toBeUndefined()
    expect(events).toEqual(['snapshot 1 late false', 'query of 1', 'snapshot 2 late true', 'query of 2'])
  })

  test('--count above 1 without --every is a usage error', async () => {
    const fa = await fake()
    const {out, error} = await run(fa, {count: 2})
    expect(error).toBeInstanceOf(UsageError)
    expectNothingLeft(out)
  })

  test('an existing --out is never overwritten', async () => {
    const fa = await fake()
    const {out} = await run(fa)
    const again = await capture({analyzer: fa.url.slice(7), out, toolVersion: 'test'}).catch((e: Error) => e)
    expect(again).toBeInstanceOf(UsageError)
    expect((again as Error).message).toContain('already exists')
  })
})

describe('authentication', () => {
  test('logs in with the form, then sends the authtoken cookie and X-Auth-Token', async () => {
    const fa = await fake({users: {admin: PASSWORD}})
    const {out, error} = await run(fa, {username: 'admin', password: PASSWORD})
    expect(error).toBeUndefined()
    const [login, ...queries] = fa.requests
    expect(login).toMatchObject({method: 'POST', path: '/login', username: 'admin', status: 200})
    for (const q of queries) {
      expect(q.status).toBe(200)
      expect(q.headers['x-auth-token']).toMatch(/^[0-9a-f]{32}$/)
      expect(q.headers.cookie).toBe(`authtoken=${q.headers['x-auth-token']}`)
    }
    expect((await readCapture(out)).manifest.authenticated).toBe(true)
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).not.toContain('admin')
  })

  test.for([
    {name: 'a wrong password', users: {admin: PASSWORD}, opts: {username: 'admin', password: 'not-the-password-77'}, message: 'login refused for user "admin" (401): wrong user name or password'},
    {name: 'no credentials', users: {admin: PASSWORD}, opts: {}, message: 'the analyzer requires authentication (401)'},
    {name: 'an analyzer refusing every login', users: {admin: PASSWORD}, faults: {rejectLogins: true}, opts: {username: 'admin', password: PASSWORD}, message: 'login refused'},
    {name: 'RBAC denying topology read', users: {admin: PASSWORD}, faults: {rbacDeny: true}, opts: {username: 'admin', password: PASSWORD}, message: 'user "admin" may not read the topology (405: RBAC denies "topology read")'},
  ])('$name fails with exit 3, a clear message and no capture', async ({users, faults, opts, message}) => {
    const fa = await fake({users, faults})
    const {out, error} = await run(fa, opts)
    expect(error).toBeInstanceOf(AnalyzerError)
    expect(error!.message).toContain(message)
    expect(error!.message).not.toContain(PASSWORD)
    expectNothingLeft(out)
  })

  test('sends the token back under the cookie name a very old analyzer used (authtok)', async () => {
    const fa = await fake({users: {admin: PASSWORD}, cookieName: 'authtok'})
    const {error} = await run(fa, {username: 'admin', password: PASSWORD})
    expect(error).toBeUndefined()
    expect(fa.requests[1].headers.cookie).toMatch(/^authtok=[0-9a-f]{32}$/)
  })

  test('credentials given to an analyzer without authentication are harmless: an empty token, no session', async () => {
    const fa = await fake()
    const {out, error} = await run(fa, {username: 'admin', password: PASSWORD})
    expect(error).toBeUndefined()
    expect(fa.requests.slice(1).every((r) => r.headers['x-auth-token'] === undefined)).toBe(true)
    expect((await readCapture(out)).manifest.authenticated).toBe(false)
  })

  test('a user name without any password is a usage error before anything is sent', async () => {
    const fa = await fake({users: {admin: PASSWORD}})
    const {error} = await run(fa, {username: 'admin'})
    expect(error).toBeInstanceOf(UsageError)
    expect(fa.requests).toEqual([])
  })
})

describe('faults', () => {
  test('retries 500 answers with backoff and records the attempts', async () => {
    const fa = await fake({faults: {fail500: 2}})
    const retries: number[] = []
    const {out, error} = await run(fa, {onProgress: (p) => p.phase === 'retry' && retries.push(p.delayMs)})
    expect(error).toBeUndefined()
    expect(retries).toEqual([10, 20])
    expect((await readCapture(out)).manifest.snapshots[0].responses[0].attempts).toBe(3)
  })

  test('retries a connection dropped mid-body, and the saved file is the whole response', async () => {
    const fa = await fake({faults: {dropAfterBytes: 1000, dropTimes: 1}})
    const {out, error} = await run(fa)
    expect(error).toBeUndefined()
    const cap = await readCapture(out)
    expect(cap.manifest.snapshots[0].responses[0]).toMatchObject({attempts: 2, bytes: 38362})
  })

  test.for([
    {name: 'an analyzer that keeps failing with 500', faults: {fail500: 100}, message: 'the analyzer failed with 500 Internal Server Error: injected fault: internal error', attempts: 4},
    {name: 'a connection always dropped mid-body', faults: {dropAfterBytes: 1000}, message: 'the connection was dropped', attempts: 4},
    {name: 'a slow analyzer past --timeout', faults: {slowMs: 3000}, opts: {timeoutSeconds: 0.3}, message: 'no answer for 0.3 s (timeout)', attempts: 1},
  ])('$name fails after $attempts attempt(s) and leaves nothing', async ({faults, opts, message, attempts}) => {
    const fa = await fake({faults})
    const {out, error} = await run(fa, {retries: 3, ...opts})
    expect(error).toBeInstanceOf(AnalyzerError)
    expect(error!.message).toContain(message)
    expect(fa.requests.length).toBe(attempts)
    expectNothingLeft(out)
  })

  test('a Gremlin error shows the analyzer\'s message (400) and is not retried', async () => {
    const fa = await fake()
    const client = await AnalyzerClient.connect({analyzer: fa.url.slice(7)})
    const err = await client.query('G.V().Nope()', join(work, 'nope.json')).catch((e: Error) => e)
    client.close()
    expect(err).toBeInstanceOf(AnalyzerError)
    expect((err as Error).message).toContain("rejected the Gremlin query G.V().Nope() (400): step Nope is not supported")
    expect(fa.requests.length).toBe(1)
  })

  test('connection refused names the address and suggests checking the port', async () => {
    const fa = await fake()
    await fa.stop()
    const {out, error} = await run(fa)
    expect(error).toBeInstanceOf(AnalyzerError)
    expect(error!.message).toBe(`${fa.url}: connection refused`)
    expect((error as AnalyzerError).suggestions.join(' ')).toContain('default 8082')
    expectNothingLeft(out)
  })

  test('an interrupted capture exits 130 and leaves nothing', async () => {
    const fa = await fake({faults: {slowMs: 2000}})
    const abort = new AbortController()
    setTimeout(() => abort.abort(), 200)
    const {out, error} = await run(fa, {signal: abort.signal})
    expect(error).toBeInstanceOf(InterruptedError)
    expectNothingLeft(out)
  })

  test('an answer that is not a Skydive response fails the capture', async () => {
    const fa = await fake()
    fa.graph.nodes.set('bad', {ID: 'bad', Metadata: {Type: 'host', Sockets: 'not a list'}})
    const {out, error} = await run(fa)
    expect(error).toBeInstanceOf(AnalyzerError)
    expect(error!.message).toContain("the answer to G.V().Has('Type', 'host') is not a Skydive response")
    expectNothingLeft(out)
  })
})

describe('TLS', () => {
  let cert: ReturnType<typeof selfSignedCertificate>
  let certDir: string
  beforeAll(() => {
    certDir = mkdtempSync(join(tmpdir(), 'fm-tls-'))
    cert = selfSignedCertificate(certDir)
  })
  afterAll(() => rmSync(certDir, {recursive: true, force: true}))

  test('verifies the analyzer with --ca', async () => {
    const fa = await fake({tls: cert})
    const {error} = await run(fa, {ssl: true, ca: cert.certFile})
    expect(error).toBeUndefined()
    expect(fa.url).toMatch(/^https:/)
  })

  test('skips verification with --insecure', async () => {
    const fa = await fake({tls: cert})
    const {error} = await run(fa, {ssl: true, insecure: true})
    expect(error).toBeUndefined()
  })

  test('refuses an unknown certificate without either, suggesting --ca and --insecure', async () => {
    const fa = await fake({tls: cert})
    const {out, error} = await run(fa, {ssl: true})
    expect(error).toBeInstanceOf(AnalyzerError)
    expect(error!.message).toContain("the analyzer's TLS certificate cannot be verified (DEPTH_ZERO_SELF_SIGNED_CERT")
    expect((error as AnalyzerError).suggestions.join('\n')).toMatch(/`ca`[\s\S]*`insecure`/)
    expectNothingLeft(out)
  })

  test('--ssl against a plain-http analyzer says the handshake failed', async () => {
    const fa = await fake()
    const {error} = await run(fa, {ssl: true, insecure: true})
    expect(error).toBeInstanceOf(AnalyzerError)
    expect(error!.message).toContain('TLS handshake failed')
  })
})
