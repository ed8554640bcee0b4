import {createHash} from 'node:crypto'
import {createWriteStream, readFileSync} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import {Transform} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import {setTimeout as sleep} from 'node:timers/promises'
import {AnalyzerError, FmError, INTERRUPTED_EXIT, UsageError} from '@fm/model'
import {analyzerEndpoint, type AnalyzerEndpoint} from './endpoint.js'
import {networkError, RetryableError} from './network-error.js'

export interface ConnectionOptions {
  /** `HOST:PORT` (default port 8082) or an http(s) URL without credentials. */
  analyzer: string
  /** Use https. */
  ssl?: boolean
  /** Skip certificate verification (never the default). */
  insecure?: boolean
  /** PEM file of the CA that signed the analyzer's certificate. */
  ca?: string
  username?: string
  /** Kept in memory only; scrubbed from every error message. */
  password?: string
  /** Seconds without any byte from the analyzer before giving up (default 120). */
  timeoutSeconds?: number
  /** Extra attempts after a 5xx answer or a dropped connection (default 3). */
  retries?: number
  /** First backoff delay; doubles each attempt (default 1000 ms). */
  retryDelayMs?: number
  signal?: AbortSignal
  onRetry?: (r: {attempt: number; reason: string; delayMs: number}) => void
}

export interface QueryResult {
  bytes: number
  sha256: string
  attempts: number
}

/** Exit code of an interrupted capture (the shell's convention for SIGINT). */
export {INTERRUPTED_EXIT}

/**
 * A read-only client of a Skydive analyzer's REST API: login, then Gremlin queries whose
 * responses are streamed to files as they arrive (hashed on the way), never held in memory.
 */
export class AnalyzerClient {
  readonly endpoint: AnalyzerEndpoint
  private token: string | null = null
  /** The cookie the analyzer named its token with (`authtok` on very old versions), sent back as named. */
  private cookieName = 'authtoken'
  /** Set when the current request hit --timeout, so a body cut by it is not taken for a drop. */
  private timedOut = false
  private readonly agent: http.Agent
  private readonly timeoutMs: number

  private constructor(private readonly opts: ConnectionOptions) {
    this.endpoint = analyzerEndpoint(opts.analyzer, {ssl: opts.ssl})
    if ((opts.insecure || opts.ca) && this.endpoint.protocol !== 'https:') {
      throw new UsageError(`${opts.insecure ? '--insecure' : '--ca'} only applies to https: add --ssl`)
    }
    let ca: Buffer | undefined
    if (opts.ca) {
      try {
        ca = readFileSync(opts.ca)
      } catch (e) {
        throw new UsageError(`--ca ${opts.ca}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
      }
    }
    this.agent = this.endpoint.protocol === 'https:' ? new https.Agent({ca, rejectUnauthorized: !opts.insecure}) : new http.Agent()
    this.timeoutMs = (opts.timeoutSeconds ?? 120) * 1000
  }

  /** Connects (and logs in when a user name is given). */
  static async connect(opts: ConnectionOptions): Promise<AnalyzerClient> {
    if (opts.username !== undefined && opts.password === undefined) throw new UsageError(`no password for user "${opts.username}"`, ['Set FM_PASSWORD, pass --password, or run on a terminal to be prompted.'])
    const client = new AnalyzerClient(opts)
    if (opts.username !== undefined) await client.scrubbed(() => client.withRetries(() => client.login()))
    return client
  }

  /** True when the analyzer handed out a session token. */
  get authenticated(): boolean {
    return this.token !== null
  }

  /** The session's headers (`authtoken` cookie and `X-Auth-Token`), for other channels to the same analyzer such as its websocket. */
  authHeaders(): Record<string, string> {
    return this.token ? {Cookie: `${this.cookieName}=${encodeURIComponent(this.token)}`, 'X-Auth-Token': this.token} : {}
  }

  /**
   * Sends one Gremlin query and streams the response into `file` (overwritten on retry).
   * `inspect` makes a fresh consumer of the body's chunks for each attempt.
   */
  query(gremlin: string, file: string, opts: {onBytes?: (bytes: number) => void; inspect?: () => {push(chunk: Buffer): void}} = {}): Promise<QueryResult> {
    let attempts = 0
    return this.scrubbed(() =>
      this.withRetries(async () => {
        attempts++
        const body = JSON.stringify({GremlinQuery: gremlin})
        const res = await this.send('POST', '/api/topology', {'Content-Type': 'application/json', Accept: 'application/json'}, body)
        if (res.statusCode !== 200) throw await this.statusError(res, gremlin)
        return {...(await this.saveBody(res, file, opts.onBytes, opts.inspect?.())), attempts}
      }),
    )
  }

  close(): void {
    this.agent.destroy()
  }

  private async login(): Promise<void> {
    const form = new URLSearchParams({username: this.opts.username ?? '', password: this.opts.password ?? ''}).toString()
    const res = await this.send('POST', '/login', {'Content-Type': 'application/x-www-form-urlencoded'}, form)
    const body = await readSome(res)
    const status = res.statusCode ?? 0
    if (status === 401 || status === 403) {
      throw new AnalyzerError(`${this.endpoint.url}: login refused for user "${this.opts.username}" (${status}): wrong user name or password`, [
        'Check --username, and the password given by FM_PASSWORD, --password or the prompt.',
      ])
    }
    if (status >= 500) throw retryable(`${this.endpoint.url}: login failed with ${status} ${clean(body)}`)
    if (status === 404) return // an analyzer without authentication has no login page; queries will tell
    if (status >= 400) throw new AnalyzerError(`${this.endpoint.url}: login failed (${status}) ${clean(body)}`)
    const cookies = res.headers['set-cookie'] ?? []
    for (const c of cookies) {
      const m = /^\s*(authtoken|authtok)=([^;]*)/.exec(c)
      if (m && m[2]) {
        this.cookieName = m[1]
        this.token = decodeURIComponent(m[2])
      }
    }
  }

  private async statusError(res: http.IncomingMessage, gremlin: string): Promise<Error> {
    const status = res.statusCode ?? 0
    const text = clean(await readSome(res))
    const url = this.endpoint.url
    switch (status) {
      case 400:
        return new AnalyzerError(`${url}: the analyzer rejected the Gremlin query ${gremlin} (400): ${text || 'no message'}`, [
          'An older analyzer may not know every step fm sends; try --full, which sends only G.',
        ])
      case 401:
        return this.token
          ? new AnalyzerError(`${url}: the analyzer refused the session of user "${this.opts.username}" (401)`, ['Log in again: the token may have expired.'])
          : new AnalyzerError(`${url}: the analyzer requires authentication (401)`, ['Pass --username, and the password through FM_PASSWORD, --password or the prompt.'])
      case 405:
        return new AnalyzerError(`${url}: ${this.opts.username ? `user "${this.opts.username}"` : 'this session'} may not read the topology (405: RBAC denies "topology read")`, [
          'Ask the analyzer\'s administrator for a role with the topology read permission.',
        ])
      case 204:
        return new AnalyzerError(`${url}: the analyzer returned no content for ${gremlin} (204)`)
      case 404:
        return new AnalyzerError(`${url}: /api/topology not found (404): is this a Skydive analyzer?`, ['Check HOST:PORT (the analyzer listens on 8082 by default).'])
      default:
        if (status >= 500) return retryable(`${url}: the analyzer failed with ${status} ${res.statusMessage ?? ''}${text ? `: ${text}` : ''}`)
        return new AnalyzerError(`${url}: unexpected answer ${status} ${res.statusMessage ?? ''}${text ? `: ${text}` : ''}`)
    }
  }

  /** Streams a response body to disk, hashing and counting; a short body counts as dropped. */
  private async saveBody(res: http.IncomingMessage, file: string, onBytes?: (bytes: number) => void, inspector?: {push(chunk: Buffer): void}): Promise<{bytes: number; sha256: string}> {
    const hash = createHash('sha256')
    let bytes = 0
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk)
        bytes += chunk.length
        onBytes?.(bytes)
        try {
          inspector?.push(chunk)
        } catch (e) {
          return cb(e as Error)
        }
        cb(null, chunk)
      },
    })
    const out = createWriteStream(file)
    let writeError: NodeJS.ErrnoException | null = null
    out.on('error', (e) => (writeError = e))
    try {
      await pipeline(res, tap, out)
    } catch (e) {
      if (writeError) throw new UsageError(`cannot write ${file}: ${(writeError as NodeJS.ErrnoException).code ?? (writeError as Error).message}`)
      throw e
    }
    const expected = Number(res.headers['content-length'])
    if (Number.isFinite(expected) && res.headers['content-length'] !== undefined && bytes !== expected) {
      throw retryable(`${this.endpoint.url}: the connection was dropped after ${bytes} of ${expected} bytes`)
    }
    return {bytes, sha256: hash.digest('hex')}
  }

  private send(method: string, path: string, headers: Record<string, string>, body: string): Promise<http.IncomingMessage> {
    const {protocol, host, port} = this.endpoint
    const auth = this.authHeaders()
    this.timedOut = false
    return new Promise((resolve, reject) => {
      const req = (protocol === 'https:' ? https : http).request(
        {method, host, port, path, agent: this.agent, signal: this.opts.signal, headers: {...headers, ...auth, 'Content-Length': Buffer.byteLength(body), 'User-Agent': 'fm-capture'}},
        resolve,
      )
      req.setTimeout(this.timeoutMs, () => {
        this.timedOut = true
        req.destroy(Object.assign(new Error('timeout'), {code: 'FM_TIMEOUT'}))
      })
      req.on('error', reject)
      req.end(body)
    })
  }

  private async withRetries<T>(once: () => Promise<T>): Promise<T> {
    const retries = this.opts.retries ?? 3
    const base = this.opts.retryDelayMs ?? 1000
    for (let attempt = 1; ; attempt++) {
      try {
        return await once()
      } catch (e) {
        const err = this.classify(e)
        if (!(err instanceof RetryableError)) throw err
        if (attempt > retries) throw err.final
        const delayMs = base * 2 ** (attempt - 1)
        this.opts.onRetry?.({attempt, reason: err.message, delayMs})
        try {
          await sleep(delayMs, undefined, {signal: this.opts.signal})
        } catch (e) {
          throw this.classify(e)
        }
      }
    }
  }

  private classify(e: unknown): Error {
    if (e instanceof FmError || e instanceof RetryableError) return e
    const err = e as NodeJS.ErrnoException
    if (err.name === 'AbortError' || err.code === 'ABORT_ERR' || this.opts.signal?.aborted) {
      return new AnalyzerError('capture interrupted', [], INTERRUPTED_EXIT)
    }
    if (this.timedOut) return networkError(Object.assign(new Error('timeout'), {code: 'FM_TIMEOUT'}), this.endpoint.url, this.timeoutMs / 1000)
    return networkError(err, this.endpoint.url, this.timeoutMs / 1000)
  }

  /** Last line of defence: whatever an analyzer or a library echoes, the password never leaves. */
  private async scrubbed<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (e) {
      const err = this.classify(e)
      const pw = this.opts.password
      if (pw && err.message.includes(pw)) {
        const safe = err.message.split(pw).join('***')
        if (err instanceof FmError) throw new AnalyzerError(safe, err.suggestions, err.exitCode)
        throw new AnalyzerError(safe)
      }
      throw err
    }
  }
}

function retryable(message: string): RetryableError {
  return new RetryableError(message, new AnalyzerError(message, ['The analyzer kept failing after retries; check its logs.']))
}

/** Reads at most `limit` bytes of an error body, then drops the rest. */
async function readSome(res: http.IncomingMessage, limit = 4096): Promise<string> {
  const chunks: Buffer[] = []
  let n = 0
  try {
    for await (const c of res as AsyncIterable<Buffer>) {
      if (n < limit) chunks.push(c)
      n += c.length
    }
  } catch {
    // an error body cut short is still worth showing
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8')
}

/** One printable line from an analyzer's error body. */
function clean(text: string): string {
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
  return line.length > 300 ? `${line.slice(0, 297)}...` : line
}
