import type http from 'node:http'
import type {Duplex} from 'node:stream'
import {WebSocketServer, type WebSocket} from 'ws'
import type {Element, FakeGraph} from './graph.js'

/** Faults of the websocket publisher; the object stays live, so tests can change it while serving. */
export interface PublisherFaults {
  /** Drop each publisher connection after it received this many messages (those are applied). */
  dropPublisherAfter?: number
}

/** A publisher connection as the fake saw it. */
export interface PublisherConnection {
  /** Lower-cased header names (a test tool: token values included). */
  headers: http.IncomingHttpHeaders
  /** `<X-Client-Type>.<X-Host-ID>`: what the analyzer stamps on the elements as Origin. */
  origin: string
  messages: number
  /** Messages the graph refused, as Skydive logs them. */
  errors: string[]
}

export interface Publisher {
  connections: PublisherConnection[]
}

type Message = {Namespace?: unknown; Type?: unknown; Obj?: Element & {Parent?: string; Child?: string}}

/**
 * Serves Skydive's websocket publisher (`/ws/publisher`) on the fake's HTTP server: JSON
 * messages `{Namespace: "Graph", Type, Obj}` change the graph with graffiti's rules (an add of
 * an existing ID is ignored, an update replaces, a node's delete takes its edges), Origin is
 * `<X-Client-Type>.<X-Host-ID>`, and with `X-Persistence-Policy` other than Persistent a
 * publisher's elements go when it disconnects. `authorize` checks the upgrade request.
 */
export function attachPublisher(server: http.Server, opts: {graph: FakeGraph; authorize: (req: http.IncomingMessage) => boolean; faults: PublisherFaults}): Publisher {
  const wss = new WebSocketServer({noServer: true})
  const connections: PublisherConnection[] = []
  const reject = (socket: Duplex, status: string): void => {
    socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)
  }
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((req.url ?? '').split('?')[0] !== '/ws/publisher') return reject(socket, '404 Not Found')
    if (!opts.authorize(req)) return reject(socket, '401 Unauthorized')
    const protocol = req.headers['x-client-protocol']
    if (protocol !== undefined && protocol !== 'json') return reject(socket, '400 Bad Request') // the fake speaks JSON only
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, req))
  })
  const serve = (ws: WebSocket, req: http.IncomingMessage): void => {
    const conn: PublisherConnection = {
      headers: req.headers,
      origin: `${String(req.headers['x-client-type'] ?? '')}.${String(req.headers['x-host-id'] ?? '')}`,
      messages: 0,
      errors: [],
    }
    connections.push(conn)
    ws.on('message', (data) => {
      // ws still emits the frames that came in the same read as the one that ended the
      // connection: a dropped connection delivers nothing after its limit
      const limit = opts.faults.dropPublisherAfter
      if (limit !== undefined && conn.messages >= limit) return
      conn.messages++
      let msg: Message
      try {
        msg = JSON.parse(data.toString()) as Message
      } catch (e) {
        conn.errors.push(`not JSON: ${(e as Error).message}`)
        return
      }
      const err = apply(opts.graph, msg, conn.origin)
      if (err) conn.errors.push(err)
      if (limit !== undefined && conn.messages >= limit) ws.terminate()
    })
    ws.on('close', () => {
      if (req.headers['x-persistence-policy'] === 'Persistent' || conn.messages === 0) return
      for (const [id, e] of opts.graph.edges) if (e.Origin === conn.origin) opts.graph.edges.delete(id)
      for (const [id, n] of opts.graph.nodes) if (n.Origin === conn.origin) deleteNode(opts.graph, id)
    })
  }
  return {connections}
}

function deleteNode(g: FakeGraph, id: string): void {
  g.nodes.delete(id)
  for (const [eid, e] of g.edges) if (e.Parent === id || e.Child === id) g.edges.delete(eid)
}

/** Applies one message; returns an error text (Skydive only logs it) or null. */
function apply(g: FakeGraph, msg: Message, origin: string): string | null {
  if (msg.Namespace !== 'Graph') return `unknown namespace ${String(msg.Namespace)}`
  const obj = msg.Obj
  if (!obj || typeof obj !== 'object' || typeof obj.ID !== 'string') return `${String(msg.Type)} without an object ID`
  const el = {...obj, Origin: origin} as Element
  switch (msg.Type) {
    case 'NodeAdded':
      if (!g.nodes.has(el.ID)) g.nodes.set(el.ID, el)
      return null
    case 'NodeUpdated':
      if (!g.nodes.has(el.ID)) return `node ${el.ID} not found`
      g.nodes.set(el.ID, el)
      return null
    case 'NodeDeleted':
      if (!g.nodes.has(el.ID)) return `node ${el.ID} not found`
      deleteNode(g, el.ID)
      return null
    case 'EdgeAdded':
      if (!g.nodes.has(String(obj.Parent)) || !g.nodes.has(String(obj.Child))) return `edge ${el.ID}: parent or child node not found`
      if (!g.edges.has(el.ID)) g.edges.set(el.ID, el)
      return null
    case 'EdgeUpdated':
      if (!g.edges.has(el.ID)) return `edge ${el.ID} not found`
      g.edges.set(el.ID, el)
      return null
    case 'EdgeDeleted':
      g.edges.delete(el.ID)
      return null
    default:
      return `unknown message type ${String(msg.Type)}`
  }
}
