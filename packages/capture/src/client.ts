import {createHash} from 'node:crypto'
import {createWriteStream} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import {Transform} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import {setTimeout as sleep} from 'node:timers/promises'
import {AnalyzerError, errnoOf, FmError, InterruptedError, oneLine, OutputError, UsageError} from '@fm/model'
import {analyzerEndpoint, type AnalyzerEndpoint} from './endpoint.js'
import {networkError, RetryableError} from './network-error.js'
import {readCaFile} from './read-ca-file.js'
import {redactSecret, secretForms} from './redact-secret.js'
import {speaksTls} from './speaks-tls.js'

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
  /** The password as a server may echo it back (see secretForms). */
  private readonly secretForms: string[]
  /** Whether a plain-http connection dropped before any answer was checked for a TLS server. */
  private tlsProbed = false

  private constructor(private readonly opts: ConnectionOptions) {
    this.endpoint = analyzerEndpoint(opts.analyzer, {ssl: opts.ssl})
    if ((opts.insecure || opts.ca) && this.endpoint.protocol !== 'https:') {
      throw new UsageError(`${opts.insecure ? '`insecure`' : '`ca`'} only applies to https: add \`ssl\``)
    }
    const ca = opts.ca === undefined ? undefined : readCaFile(opts.ca)
    this.secretForms = secretForms(opts.password ?? '', opts.username)
    this.agent = this.endpoint.protocol === 'https:' ? new https.Agent({ca, rejectUnauthorized: !opts.insecure}) : new http.Agent()
    this.timeoutMs = (opts.timeoutSeconds ?? 120) * 1000
  }

  /** Connects (and logs in when a user name is given). */
  static async connect(opts: ConnectionOptions): Promise<AnalyzerClient> {
    if (opts.username !== undefined && opts.password === undefined) throw new UsageError(`no password for user "${opts.username}"`, ['Give the `password`.'])
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
   * Text from the analyzer (an error body, a status line, an excerpt of its answer), fit for a
   * message: the password in any form it may be echoed in is replaced, or, when it is too
   * short to be told from other text, the whole text is withheld. Example:
   * `client.redact('bad request: password=Tr0ub4dor%263') === 'bad request: password=***'`
   */
  redact(text: string): string {
    return redactSecret(text, this.secretForms) ?? '(not shown: it may echo the password)'
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
        const saved = await this.saveBody(res, file, opts.onBytes, opts.inspect?.())
        // a body cut by Ctrl-C may end cleanly at the connection's close: it is not an answer
        if (this.opts.signal?.aborted) throw new InterruptedError('capture interrupted')
        return {...saved, attempts}
      }),
    )
  }

  close(): void {
    this.agent.destroy()
  }

  private async login(): Promise<void> {
    const form = new URLSearchParams({username: this.opts.username ?? '', password: this.opts.password ?? ''}).toString()
    const res = await this.send('POST', '/login', {'Content-Type': 'application/x-www-form-urlencoded'}, form)
    // The body of a failed login is never shown: a server may echo the form, password included,
    // in an encoding no scrubber knows. Only its status, and whether it is an https server.
    const body = await readSome(res)
    const status = res.statusCode ?? 0
    if (status === 401 || status === 403) {
      throw new AnalyzerError(`${this.endpoint.url}: login refused for user "${this.opts.username}" (${status}): wrong user name or password`, [
        'Check the `username` and the `password`.',
      ])
    }
    if (status === 400 && plainHttpToHttps(body)) throw this.speaksHttps()
    if (status >= 500) throw retryable(`${this.endpoint.url}: login failed with ${status}${this.statusText(res)} (the analyzer's answer is not shown: it may echo the password)`)
    if (status === 404) return // an analyzer without authentication has no login page; queries will tell
    if (status >= 400) throw new AnalyzerError(`${this.endpoint.url}: login failed with ${status}${this.statusText(res)} (the analyzer's answer is not shown: it may echo the password)`)
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
    const raw = await readSome(res)
    if (status === 400 && plainHttpToHttps(raw)) return this.speaksHttps()
    const text = this.redact(oneLine(raw))
    const url = this.endpoint.url
    const reason = this.statusText(res)
    switch (status) {
      case 400:
        return new AnalyzerError(`${url}: the analyzer rejected the Gremlin query ${gremlin} (400): ${text || 'no message'}`, [
          'An older analyzer may not know every step fm sends; try `full`, which sends only G.',
        ])
      case 401:
        return this.token
          ? new AnalyzerError(`${url}: the analyzer refused the session of user "${this.opts.username}" (401)`, ['Log in again: the token may have expired.'])
          : new AnalyzerError(`${url}: the analyzer requires authentication (401)`, ['Give a `username` and its `password`.'])
      case 405:
        return new AnalyzerError(`${url}: ${this.opts.username ? `user "${this.opts.username}"` : 'this session'} may not read the topology (405: RBAC denies "topology read")`, [
          'Ask the analyzer\'s administrator for a role with the topology read permission.',
        ])
      case 204:
        return new AnalyzerError(`${url}: the analyzer returned no content for ${gremlin} (204)`)
      case 404:
        return new AnalyzerError(`${url}: /api/topology not found (404): is this a Skydive analyzer?`, ['Check `analyzer` (the analyzer listens on 8082 by default).'])
      default:
        if (status >= 500) return retryable(`${url}: the analyzer failed with ${status}${reason}${text ? `: ${text}` : ''}`)
        return new AnalyzerError(`${url}: unexpected answer ${status}${reason}${text ? `: ${text}` : ''}`)
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
      if (writeError) throw new OutputError(file, errnoOf(writeError) || (writeError as Error).message)
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
        const err = this.classify(await this.checkPlainHttpDrop(this.classify(e)))
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
    if (this.opts.signal?.aborted) return e instanceof InterruptedError ? e : new InterruptedError('capture interrupted')
    if (e instanceof FmError || e instanceof RetryableError) return e
    const err = e as NodeJS.ErrnoException
    if (err.name === 'AbortError' || err.code === 'ABORT_ERR') return new InterruptedError('capture interrupted')
    if (this.timedOut) return networkError(Object.assign(new Error('timeout'), {code: 'FM_TIMEOUT'}), this.endpoint.url, this.timeoutMs / 1000)
    return networkError(err, this.endpoint.url, this.timeoutMs / 1000, {ca: this.opts.ca})
  }

  /**
   * Last line of defence: whatever an analyzer or a library echoes, the password never leaves.
   * Text from the analyzer is redacted where it is quoted (redact); here every long enough
   * form is replaced in the whole message, keeping the error's class. A short password is left
   * alone here: fm's own words (a URL, a status) never hold it, and replacing `1` in them
   * would garble them and point at the password.
   */
  private async scrubbed<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (e) {
      let err = this.classify(e)
      if (err instanceof RetryableError) err = err.final
      for (const f of this.secretForms) {
        if (f.length < 6) continue
        const hide = (t: string): string => t.split(f).join('***')
        err.message = hide(err.message)
        if (err.stack) err.stack = hide(err.stack)
        if (err instanceof FmError) err.suggestions.splice(0, err.suggestions.length, ...err.suggestions.map(hide))
      }
      throw err
    }
  }

  /** ` Not Found`: the analyzer's reason phrase, redacted, or nothing. */
  private statusText(res: http.IncomingMessage): string {
    const t = oneLine(res.statusMessage ?? '')
    return t ? ` ${this.redact(t)}` : ''
  }

  private speaksHttps(): AnalyzerError {
    return new AnalyzerError(`${this.endpoint.url}: the analyzer speaks https, not plain http`, ['Add `ssl`.'])
  }

  /**
   * A plain-http request to a TLS server is dropped before any answer (Node's https server) or
   * answered 400 (Go's, as Skydive): checked once, with a TLS handshake, before it is retried.
   */
  async checkPlainHttpDrop(e: unknown): Promise<unknown> {
    if (this.endpoint.protocol !== 'http:' || this.tlsProbed || !(e instanceof RetryableError)) return e
    this.tlsProbed = true
    return (await speaksTls(this.endpoint.host, this.endpoint.port, Math.min(this.timeoutMs, 5000))) ? this.speaksHttps() : e
  }
}

/** The answer Go's https server gives a plain-http request. */
function plainHttpToHttps(body: string): boolean {
  return /client sent an http request to an https server/i.test(body)
}

function retryable(message: string): RetryableError {
  return new RetryableError(message, new AnalyzerError(message, ['The analyzer kept failing after retries; check its logs.']))
}

/**
 * Reads at most `limit` bytes of an error body, then closes the connection: an endless body
 * must neither hang fm nor fill its memory.
 */
async function readSome(res: http.IncomingMessage, limit = 4096): Promise<string> {
  const chunks: Buffer[] = []
  let n = 0
  try {
    for await (const c of res as AsyncIterable<Buffer>) {
      chunks.push(c)
      n += c.length
      if (n >= limit) break
    }
  } catch {
    // an error body cut short is still worth showing
  }
  // leaving the loop early destroys the response; an unread rest is not worth the wait
  if (!res.complete) res.destroy()
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8')
}

