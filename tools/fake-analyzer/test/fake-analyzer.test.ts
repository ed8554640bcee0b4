import {afterEach, describe, expect, test} from 'vitest'
import WebSocket from 'ws'
import {answerPieces, graphFromDump, GremlinError, loadGraph, parseGremlin, runGremlin, startFakeAnalyzer, type FakeAnalyzer} from '../src/index.js'

const DUMP = 'fixtures/skydive/two-agents.json'
const graph = loadGraph(DUMP)

describe('runGremlin', () => {
  test.for([
    ["G.V().Has('Type', 'host').Count()", 2],
    ["G.V().Has('Type', 'netns').Count()", 4],
    ["G.V().HasKey('IPV4').Has('Type', Without('host', 'netns')).Count()", 12],
    ["G.V().HasKey('IPV6').HasNot('IPV4').Count()", 4],
    ["G.E().Has('RelationType', 'ownership').Count()", 57],
    ["G.Context('-10m', 60).V().Has('Type', Within('host', 'netns')).Count()", 6],
    ["G.V().HasEither('Type', 'host', 'Type', 'netns').Count()", 6],
    ["g.V().Has('Name', Regex('^TOR_PORT')).Limit(2).Count()", 2],
    ["G.V().Has('Type', NE('device')).Count()", 46],
  ])('%s counts %d', ([query, count]) => {
    expect(runGremlin(graph, query as string)).toBe(count)
  })

  test('G is the whole graph, as a one-element array', () => {
    const [g] = runGremlin(graph, 'G') as {Nodes: unknown[]; Edges: unknown[]}[]
    expect([g.Nodes.length, g.Edges.length]).toEqual([60, 80])
  })

  test('Sockets() on host nodes maps each node ID to its socket list', () => {
    const [map] = runGremlin(graph, "G.V().Has('Type', 'host').Sockets()") as Record<string, unknown[]>[]
    expect(Object.values(map).map((s) => s.length)).toEqual([87, 87])
  })

  test('Flows() with sockets finds the host sockets at both ends of a flow', () => {
    const host = [...graph.nodes.values()].find((n) => n.Metadata?.Type === 'host')!
    const s = (host.Metadata!.Sockets as Record<string, unknown>[]).find((k) => k.State === 'ESTABLISHED')!
    const flow = {UUID: 'f1', Network: {A: s.LocalAddress, B: s.RemoteAddress}, Transport: {Protocol: s.Protocol, A: s.LocalPort, B: s.RemotePort}}
    const g = graphFromDump([{Nodes: [host], Edges: []}], [flow, {UUID: 'no-transport', Network: {A: 'x', B: 'y'}}])
    expect(runGremlin(g, "G.Flows().Has('Transport', NE('')).Count()")).toBe(1)
    const [map] = runGremlin(g, "G.Flows().Has('Transport', NE('')).Sockets()") as Record<string, Record<string, unknown>[]>[]
    expect(Object.keys(map)).toEqual(['f1'])
    expect(map.f1).toContain(s)
    // the other end, when the same host holds it (a loopback connection), is the mirror image
    for (const k of map.f1.filter((k) => k !== s)) expect([k.LocalPort, k.RemotePort]).toEqual([s.RemotePort, s.LocalPort])
  })

  test('hands Context arguments to the caller', () => {
    const seen: unknown[] = []
    runGremlin(graph, "G.Context('-1h', 300).V().Count()", (a) => seen.push(a))
    expect(seen).toEqual([['-1h', 300]])
  })

  test.for([
    ['G.V().Nope()', 'step Nope is not supported'],
    ["G.V().Has('Type', 'host'", 'expected ")"'],
    ['V()', 'a query starts with G'],
    ["G.V().Context('x')", 'Context must follow G'],
    ["G.V().Has('Name', 'a', 'Type')", 'Has takes key, value pairs'],
    ["G.V().Has('Name', 'it''s)", 'unterminated string'],
  ])('%s is a GremlinError: %s', ([query, message]) => {
    expect(() => runGremlin(graph, query)).toThrow(GremlinError)
    expect(() => runGremlin(graph, query)).toThrow(message)
  })

  test('parses nested predicates', () => {
    expect(parseGremlin("G.V().Has('Type', Without('a', 'b'))")).toEqual([
      {name: 'V', args: []},
      {name: 'Has', args: ['Type', {name: 'Without', args: ['a', 'b']}]},
    ])
  })
})

describe('answerPieces', () => {
  // a large deployment's answer is longer than a JavaScript string may be: it is written in pieces,
  // which together are the bytes of JSON.stringify plus the newline Go's encoder ends with
  const big = Array.from({length: 60_000}, (_, i) => ({ID: `n${i}`, Metadata: {Name: `h\u00e9\u{1F600}"${i}\\`, Port: i}}))
  test.for([
    ['a count', 57],
    ['no element', []],
    ['nulls and undefined', [null, undefined, 1]],
    ['nested and escaped', [{a: [1, {b: '\u2028</x>'}]}, 'q"']],
    ['3 MB of elements', big],
  ] as [string, unknown][])('%s', ([, result]) => {
    const pieces = answerPieces(result)
    expect(Buffer.concat(pieces).toString('utf8')).toBe(JSON.stringify(result) + '\n')
    if (result === big) expect(pieces.length).toBeGreaterThan(2)
  })
})

describe('startFakeAnalyzer', () => {
  let fa: FakeAnalyzer
  afterEach(() => fa.stop())

  const post = (body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${fa.url}/api/topology`, {method: 'POST', headers: {'Content-Type': 'application/json', ...headers}, body: JSON.stringify(body)})

  test('answers with Skydive\'s status codes: 200 JSON, 204 empty query, 400 bad Gremlin, 404 elsewhere', async () => {
    fa = await startFakeAnalyzer({graph: DUMP})
    const ok = await post({GremlinQuery: "G.V().Has('Type', 'host')"})
    expect(ok.status).toBe(200)
    expect(ok.headers.get('content-type')).toBe('application/json; charset=UTF-8')
    expect(((await ok.json()) as unknown[]).length).toBe(2)
    expect((await post({GremlinQuery: ''})).status).toBe(204)
    const bad = await post({GremlinQuery: 'G.V().Nope()'})
    expect([bad.status, await bad.text()]).toEqual([400, 'step Nope is not supported by this fake analyzer'])
    expect((await fetch(`${fa.url}/api/nothing`)).status).toBe(404)
  })

  test('GET /api/topology returns the graph object', async () => {
    fa = await startFakeAnalyzer({graph: DUMP})
    const g = (await (await fetch(`${fa.url}/api/topology`)).json()) as {Nodes: unknown[]; Edges: unknown[]}
    expect([g.Nodes.length, g.Edges.length]).toEqual([60, 80])
  })

  test('with users, requires a login: the authtoken cookie or X-Auth-Token opens the API', async () => {
    fa = await startFakeAnalyzer({graph: DUMP, users: {admin: 'pw'}})
    expect((await post({GremlinQuery: 'G'})).status).toBe(401)
    const bad = await fetch(`${fa.url}/login`, {method: 'POST', body: new URLSearchParams({username: 'admin', password: 'nope'})})
    expect(bad.status).toBe(401)
    const login = await fetch(`${fa.url}/login`, {method: 'POST', body: new URLSearchParams({username: 'admin', password: 'pw'})})
    expect(login.status).toBe(200)
    const cookies = login.headers.getSetCookie()
    const token = /^authtoken=([^;]+)/.exec(cookies[0])![1]
    expect(cookies[1]).toMatch(/^permissions=/)
    expect((await post({GremlinQuery: 'G'}, {Cookie: `authtoken=${token}`})).status).toBe(200)
    expect((await post({GremlinQuery: 'G'}, {'X-Auth-Token': token})).status).toBe(200)
    expect((await post({GremlinQuery: 'G'}, {'X-Auth-Token': 'forged'})).status).toBe(401)
    expect(fa.requests.filter((r) => r.path === '/login').map((r) => r.username)).toEqual(['admin', 'admin'])
  })

  test('faults can be switched while it runs: 500s, then RBAC denial', async () => {
    fa = await startFakeAnalyzer({graph: DUMP, faults: {fail500: 1}})
    expect((await post({GremlinQuery: 'G'})).status).toBe(500)
    expect((await post({GremlinQuery: 'G'})).status).toBe(200)
    fa.faults.rbacDeny = true
    expect((await post({GremlinQuery: 'G'})).status).toBe(405)
  })

  test('a dropped connection cuts the body short of its Content-Length', async () => {
    fa = await startFakeAnalyzer({graph: DUMP, faults: {dropAfterBytes: 100, dropTimes: 1}})
    await expect(post({GremlinQuery: 'G'}).then((r) => r.text())).rejects.toThrow()
    expect((await (await post({GremlinQuery: 'G'})).text()).length).toBeGreaterThan(100_000)
  })

  test('a publisher dropped after N messages has applied N, even when more came in the same read', async () => {
    fa = await startFakeAnalyzer({graph: DUMP, faults: {dropPublisherAfter: 2}})
    const before = fa.graph.nodes.size
    const ws = new WebSocket(`${fa.url.replace(/^http/, 'ws')}/ws/publisher`, {headers: {'X-Persistence-Policy': 'Persistent'}})
    ws.on('error', () => {})
    const closed = new Promise((resolve) => ws.on('close', resolve))
    // 30 small messages written at once reach the fake in one or two reads
    ws.on('open', () => {
      for (let i = 0; i < 30; i++) ws.send(JSON.stringify({Namespace: 'Graph', Type: 'NodeAdded', Obj: {ID: `n${i}`, Metadata: {Type: 'host'}}}))
    })
    await closed
    expect(fa.publisher.connections.map((c) => c.messages)).toEqual([2])
    expect(fa.graph.nodes.size - before).toBe(2)
  })

  test('the graph is live: a node added to the map is served', async () => {
    fa = await startFakeAnalyzer({graph: DUMP})
    fa.graph.nodes.set('new', {ID: 'new', Metadata: {Type: 'host', Name: 'h3'}, Host: 'agent-3'})
    expect(await (await post({GremlinQuery: "G.V().Has('Type', 'host').Count()"})).json()).toBe(3)
  })
})
