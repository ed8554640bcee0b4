import {randomBytes} from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import type {AddressInfo, Socket} from 'node:net'
import {graphJson, loadGraph, type FakeGraph} from './graph.js'
import {GremlinError, runGremlin} from './gremlin.js'
import {attachPublisher, type Publisher, type PublisherFaults} from './publisher.js'

/** Faults to inject; the object stays live, so tests can change it while the server runs. */
export interface Faults extends PublisherFaults {
  /** Wait this long before answering each topology request. */
  slowMs?: number
  /** Answer the next N topology requests with 500. */
  fail500?: number
  /** Close the connection after this many body bytes ... */
  dropAfterBytes?: number
  /** ... for the next N topology responses (default: every one). */
  dropTimes?: number
  /** Refuse every login with 401, whatever the credentials. */
  rejectLogins?: boolean
  /** Deny `topology read` (405), as RBAC does. */
  rbacDeny?: boolean
  /** Answer every login with this status and a body echoing the login form, in one encoding. */
  echoLogin?: {status: number; as: 'raw' | 'form' | 'json' | 'base64'}
  /** Answer topology requests with this status and a body that never ends. */
  endlessErrorBody?: number
  /** Answer topology requests with 200 and a JSON string that never ends. */
  endlessString?: boolean
  /** Answer topology requests with 200, no Content-Length, a first byte, then nothing until the client leaves. */
  stallBody?: boolean
}

/** Writes `chunk` again and again, as fast as the client reads, until it goes away. */
function endless(res: http.ServerResponse, chunk: Buffer): void {
  const more = (): void => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', more)
  }
  res.on('close', () => res.off('drain', more))
  more()
}

export interface FakeAnalyzerOptions {
  /** The graph to serve, or the path of a `G` dump. */
  graph: FakeGraph | string
  /** Loopback by default; the fake never listens elsewhere unless told. */
  host?: string
  /** 0 picks a free port. */
  port?: number
  /** PEM certificate and key: serve https. */
  tls?: {cert: string | Buffer; key: string | Buffer}
  /** When set, /login is required and checks these users and passwords. */
  users?: Record<string, string>
  /** The token cookie's name: `authtoken`, or `authtok` like very old analyzers. */
  cookieName?: 'authtoken' | 'authtok'
  faults?: Faults
}

export interface LoggedRequest {
  method: string
  path: string
  /** Lower-cased header names; cookie and token values included (a test tool). */
  headers: http.IncomingHttpHeaders
  /** The Gremlin query of a topology request. */
  query?: string
  /** The user name of a login request (never the password). */
  username?: string
  status: number
}

export interface FakeAnalyzer {
  url: string
  port: number
  graph: FakeGraph
  faults: Faults
  requests: LoggedRequest[]
  /** The time contexts (`Context(...)` arguments) queries asked for. */
  contexts: unknown[][]
  /** The underlying server, for endpoints added later (e.g. a websocket upgrade). */
  server: http.Server
  /** The websocket publisher (`/ws/publisher`): what `fm publish` sent lands in `graph`. */
  publisher: Publisher
  stop(): Promise<void>
}

/**
 * Starts a Skydive-like analyzer on loopback serving a graph through the REST API:
 * `POST /login` (form; `authtoken` cookie), `POST /api/topology` (Gremlin subset incl.
 * `Context`), `GET /api/topology`, with Skydive's status codes (400, 401, 405, 204).
 * Example: `const fa = await startFakeAnalyzer({graph: 'fixtures/skydive/two-agents.json'})`
 */
export async function startFakeAnalyzer(opts: FakeAnalyzerOptions): Promise<FakeAnalyzer> {
  const graph = typeof opts.graph === 'string' ? loadGraph(opts.graph) : opts.graph
  const faults: Faults = {...opts.faults}
  const tokens = new Set<string>()
  const requests: LoggedRequest[] = []
  const contexts: unknown[][] = []
  const sockets = new Set<Socket>()

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const log: LoggedRequest = {method: req.method ?? '', path: req.url ?? '', headers: req.headers, status: 0}
      requests.push(log)
      const reply = (status: number, body = '', headers: http.OutgoingHttpHeaders = {}): void => {
        log.status = status
        res.writeHead(status, {'Content-Type': 'text/plain; charset=utf-8', ...headers})
        res.end(body)
      }
      const body = Buffer.concat(chunks).toString('utf8')
      const path = (req.url ?? '').split('?')[0]
      if (path === '/login' && req.method === 'POST') {
        const form = new URLSearchParams(body)
        log.username = form.get('username') ?? ''
        if (faults.echoLogin) {
          // a misbehaving server quoting the request back, password included
          const raw = `username=${form.get('username') ?? ''}&password=${form.get('password') ?? ''}`
          const as = faults.echoLogin.as
          const echoed = as === 'raw' ? raw : as === 'form' ? body : as === 'json' ? JSON.stringify({request: Object.fromEntries(form)}) : Buffer.from(body).toString('base64')
          return reply(faults.echoLogin.status, `bad request: ${echoed}`)
        }
        // like Skydive's "noauth" backend: any login succeeds, with an empty token
        if (opts.users === undefined && !faults.rejectLogins) return reply(200, '', {'Set-Cookie': ['authtoken=; Path=/']})
        const ok = !faults.rejectLogins && opts.users !== undefined && opts.users[log.username] !== undefined && opts.users[log.username] === form.get('password')
        if (!ok) return reply(401, 'Unauthorized')
        const token = randomBytes(16).toString('hex')
        tokens.add(token)
        const permissions = Buffer.from(JSON.stringify([{Object: 'topology', Action: 'read', Allowed: !faults.rbacDeny}])).toString('base64')
        return reply(200, '', {'Set-Cookie': [`${opts.cookieName ?? 'authtoken'}=${token}; Path=/`, `permissions=${permissions}; Path=/`]})
      }
      if (path !== '/api/topology') return reply(404, '404 page not found')
      if (opts.users !== undefined && !authorized(req, tokens, opts.cookieName ?? 'authtoken')) return reply(401, 'Unauthorized')
      if (faults.rbacDeny) return reply(405)
      let result: unknown
      if (req.method === 'GET') result = graphJson(graph)
      else if (req.method === 'POST') {
        let query = ''
        if (body.length) {
          try {
            query = String((JSON.parse(body) as {GremlinQuery?: unknown}).GremlinQuery ?? '')
          } catch (e) {
            return reply(400, (e as Error).message)
          }
        }
        log.query = query
        if (query === '') return reply(204)
        try {
          result = runGremlin(graph, query, (args) => contexts.push(args))
        } catch (e) {
          if (e instanceof GremlinError) return reply(400, e.message)
          throw e
        }
      } else return reply(405)
      const send = (): void => {
        if (faults.endlessErrorBody) {
          log.status = faults.endlessErrorBody
          res.writeHead(faults.endlessErrorBody, {'Content-Type': 'text/plain'})
          return endless(res, Buffer.alloc(64 * 1024, 'error '))
        }
        if (faults.endlessString) {
          log.status = 200
          res.writeHead(200, {'Content-Type': 'application/json'})
          res.write('[{"ID": "')
          return endless(res, Buffer.alloc(64 * 1024, 'a'))
        }
        if (faults.stallBody) {
          log.status = 200
          res.writeHead(200, {'Content-Type': 'application/json'})
          res.write('[')
          return
        }
        if (faults.fail500 && faults.fail500 > 0) {
          faults.fail500--
          return reply(500, 'injected fault: internal error')
        }
        // Skydive echoes the Accept header's JSON type and ends the body with a newline (Go's json.Encoder)
        const pieces = answerPieces(result)
        const length = pieces.reduce((n, b) => n + b.length, 0)
        log.status = 200
        res.writeHead(200, {'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': length})
        if (faults.dropAfterBytes !== undefined && (faults.dropTimes === undefined || faults.dropTimes > 0)) {
          if (faults.dropTimes !== undefined) faults.dropTimes--
          res.write(Buffer.concat(pieces).subarray(0, Math.min(faults.dropAfterBytes, length - 1)), () => res.socket?.destroy())
          return
        }
        for (const b of pieces) res.write(b)
        res.end()
      }
      if (faults.slowMs) setTimeout(send, faults.slowMs)
      else send()
    })
  }

  const server = opts.tls ? https.createServer({cert: opts.tls.cert, key: opts.tls.key}, handler) : http.createServer(handler)
  const publisher = attachPublisher(server, {graph, faults, authorize: (req) => opts.users === undefined || authorized(req, tokens, opts.cookieName ?? 'authtoken')})
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  // a TLS handshake refused by the client is the client's business; keep serving
  server.on('tlsClientError', () => {})
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve)
  })
  const {port, address} = server.address() as AddressInfo
  const host = address.includes(':') ? `[${address}]` : address
  return {
    url: `${opts.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    graph,
    faults,
    requests,
    contexts,
    server,
    publisher,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

function authorized(req: http.IncomingMessage, tokens: Set<string>, cookieName: string): boolean {
  const header = req.headers['x-auth-token']
  if (typeof header === 'string' && tokens.has(header)) return true
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === cookieName && tokens.has(decodeURIComponent(v.join('=')))) return true
  }
  return false
}

/**
 * A Gremlin answer as Go's json.Encoder writes it (ending in a newline), in pieces of about 1 MiB:
 * the answer of a large deployment (a million elements) is longer than a JavaScript string may be,
 * while Skydive writes it whole.
 */
export function answerPieces(result: unknown): Buffer[] {
  if (!Array.isArray(result)) return [Buffer.from(JSON.stringify(result) + '\n')]
  const pieces: Buffer[] = []
  let text = '['
  for (let i = 0; i < result.length; i++) {
    // as JSON.stringify writes an array's undefined element
    text += (i === 0 ? '' : ',') + (JSON.stringify(result[i]) ?? 'null')
    if (text.length >= 1 << 20) {
      pieces.push(Buffer.from(text))
      text = ''
    }
  }
  pieces.push(Buffer.from(text + ']\n'))
  return pieces
}
