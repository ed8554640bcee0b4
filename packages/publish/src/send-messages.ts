import WebSocket from 'ws'
import {AnalyzerError, hostPort, PartialResultError} from '@fm/model'
import {networkError, readCaFile, type AnalyzerEndpoint} from '@fm/capture'
import type {GraphMessage} from './plan-publish.js'

export interface SendOptions {
  endpoint: AnalyzerEndpoint
  /** Session headers from the REST login (authtoken cookie, X-Auth-Token). */
  auth: Record<string, string>
  /** X-Host-ID: the publisher's name; the analyzer records `<client type>.<host id>` as the elements' Origin. */
  hostId: string
  insecure?: boolean
  ca?: string
  timeoutMs: number
  /** Cleans the analyzer's own words (its status line) before they go into a message (AnalyzerClient.redact). */
  redact?: (text: string) => string
  onSent?: (sent: number, total: number) => void
}

/** Messages already serialized, pulled one at a time: a large plan is never held whole. */
export interface MessageStream {
  total: number
  texts: Iterable<string>
}

/**
 * Sends messages through the analyzer's websocket publisher (`/ws/publisher`, JSON protocol,
 * persistent: the elements stay after fm disconnects), then closes the socket. Throws an
 * AnalyzerError a user can act on; a connection lost part-way is a PartialResultError. A close
 * that is not clean after every message was written is reported, not thrown: written is not
 * received, so the caller reads back.
 */
export async function sendMessages(messages: GraphMessage[] | MessageStream, o: SendOptions): Promise<{cleanClose: boolean}> {
  const total = Array.isArray(messages) ? messages.length : messages.total
  const texts = Array.isArray(messages) ? messages.map((m) => JSON.stringify(m)) : messages.texts
  const source = texts[Symbol.iterator]()
  const url = `${o.endpoint.protocol === 'https:' ? 'wss' : 'ws'}://${hostPort(o.endpoint.host, o.endpoint.port)}/ws/publisher`
  const ca = o.ca ? readCaFile(o.ca) : undefined
  const where = `${o.endpoint.url}/ws/publisher`
  const ws = new WebSocket(url, {
    headers: {'X-Host-ID': o.hostId, 'X-Client-Type': 'fm', 'X-Client-Protocol': 'json', 'X-Persistence-Policy': 'Persistent', 'User-Agent': 'fm-publish', ...o.auth},
    handshakeTimeout: o.timeoutMs,
    rejectUnauthorized: !o.insecure,
    ca,
    perMessageDeflate: false,
  })
  // counted when handed to the socket: a message may arrive even if its write callback never fires
  let sent = 0
  let closing = false
  return new Promise<{cleanClose: boolean}>((resolve, reject) => {
    const fail = (e: Error): void => {
      ws.removeAllListeners()
      ws.on('error', () => {}) // a late error after failing is of no interest
      ws.terminate()
      reject(e)
    }
    const dropped = (detail: string): AnalyzerError =>
      sent === 0
        ? new AnalyzerError(`${where}: the connection was dropped before anything was published (${detail})`, ['Check that the analyzer is running and reachable, then publish again.'])
        : new PartialResultError(`${where}: the connection was dropped after ${sent} of ${total} messages were sent (${detail}); the analyzer may hold part of the matrix`, ['Publish again: IDs are stable, so the rest is added and nothing is duplicated.'])
    ws.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0
      res.resume()
      if (status === 401 || status === 403) fail(new AnalyzerError(`${where}: the analyzer refused the websocket (${status}): not logged in or not allowed to publish`, ['Give a `username` and its `password`.']))
      else if (status === 404) fail(new AnalyzerError(`${where}: no websocket publisher here (404): is this a Skydive analyzer?`, ['Check `analyzer` (the analyzer listens on 8082 by default).']))
      else fail(new AnalyzerError(`${where}: the analyzer refused the websocket (${`${status} ${(o.redact ?? ((t: string) => t))(res.statusMessage ?? '')}`.trim()})`))
    })
    ws.on('error', (e: NodeJS.ErrnoException) => {
      if (ws.readyState === WebSocket.OPEN || sent > 0) return fail(dropped(e.code ?? e.message))
      const err = networkError(e, where, o.timeoutMs / 1000)
      fail(err instanceof AnalyzerError ? err : dropped(e.code ?? e.message))
    })
    ws.on('close', (code) => {
      // after everything was written, the read-back check decides whether it all arrived
      if (closing) return resolve({cleanClose: code === 1000 || code === 1005})
      fail(dropped(`close code ${code}`))
    })
    ws.on('open', () => {
      const next = (): void => {
        const text = sent < total ? source.next() : undefined
        if (!text || text.done) {
          closing = true
          ws.close(1000, 'published')
          return
        }
        sent++
        ws.send(text.value, (err) => {
          if (err) return // 'error' or 'close' reports it
          o.onSent?.(sent, total)
          next()
        })
      }
      next()
    })
  })
}
