import {graphJson, type Element, type FakeGraph, type Flow} from './graph.js'

/** A Gremlin error; the server answers it with 400 and the message, as Skydive does. */
export class GremlinError extends Error {}

type Value = string | number | boolean | Call
interface Call {
  name: string
  args: Value[]
}

/** Splits a query into tokens: identifiers, quoted strings, numbers, and `.`, `(`, `)`, `,`. */
function tokenize(q: string): {t: string; v: string | number}[] {
  const out: {t: string; v: string | number}[] = []
  let i = 0
  while (i < q.length) {
    const c = q[i]
    if (/\s/.test(c)) i++
    else if ('.(),'.includes(c)) out.push({t: c, v: c}), i++
    else if (c === "'" || c === '"') {
      let s = ''
      i++
      while (i < q.length && q[i] !== c) {
        if (q[i] === '\\' && i + 1 < q.length) i++
        s += q[i++]
      }
      if (i >= q.length) throw new GremlinError(`unterminated string at ${i}`)
      i++
      out.push({t: 'str', v: s})
    } else if (/[-\d]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(q.slice(i))
      if (!m) throw new GremlinError(`unexpected character ${JSON.stringify(c)} at ${i}`)
      out.push({t: 'num', v: Number(m[0])})
      i += m[0].length
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_]\w*/.exec(q.slice(i))!
      out.push({t: 'id', v: m[0]})
      i += m[0].length
    } else throw new GremlinError(`unexpected character ${JSON.stringify(c)} at ${i}`)
  }
  return out
}

/** Parses `G.Step(args).Step(args)...` into its steps. */
export function parseGremlin(q: string): Call[] {
  const toks = tokenize(q)
  let p = 0
  const expect = (t: string): void => {
    if (toks[p]?.t !== t) throw new GremlinError(`expected ${JSON.stringify(t)}, got ${toks[p] ? JSON.stringify(String(toks[p].v)) : 'end of query'}`)
    p++
  }
  const value = (): Value => {
    const tok = toks[p++]
    if (!tok) throw new GremlinError('unexpected end of query')
    if (tok.t === 'str' || tok.t === 'num') return tok.v
    if (tok.t === 'id') {
      const name = String(tok.v)
      if (/^true$/i.test(name)) return true
      if (/^false$/i.test(name)) return false
      return {name, args: args()}
    }
    throw new GremlinError(`unexpected ${JSON.stringify(String(tok.v))}`)
  }
  const args = (): Value[] => {
    expect('(')
    const list: Value[] = []
    while (toks[p] && toks[p].t !== ')') {
      list.push(value())
      if (toks[p]?.t === ',') p++
      else break
    }
    expect(')')
    return list
  }
  if (toks[0]?.t !== 'id' || !/^g$/i.test(String(toks[0].v))) throw new GremlinError('a query starts with G')
  p = 1
  const steps: Call[] = []
  while (p < toks.length) {
    expect('.')
    const tok = toks[p++]
    if (tok?.t !== 'id') throw new GremlinError('expected a step name after "."')
    steps.push({name: String(tok.v), args: args()})
  }
  return steps
}

type State =
  | {kind: 'graph'}
  | {kind: 'nodes'; items: Element[]}
  | {kind: 'edges'; items: Element[]}
  | {kind: 'flows'; items: Flow[]}
  | {kind: 'value'; value: unknown}

/** Runs a query on the graph; `context` receives a `Context(...)`/`At(...)` step's arguments. */
export function runGremlin(g: FakeGraph, query: string, context?: (args: Value[]) => void): unknown {
  let s: State = {kind: 'graph'}
  for (const step of parseGremlin(query)) s = apply(g, s, step, context)
  switch (s.kind) {
    case 'graph':
      return [graphJson(g)]
    case 'value':
      return s.value
    default:
      return s.items
  }
}

function apply(g: FakeGraph, s: State, step: Call, context?: (args: Value[]) => void): State {
  const {name, args} = step
  switch (name) {
    case 'Context':
    case 'At':
      if (s.kind !== 'graph') throw new GremlinError(`${name} must follow G`)
      if (args.length < 1 || args.length > 2) throw new GremlinError(`${name} takes a time and an optional duration`)
      context?.(args)
      return s
    case 'V':
      need(s, ['graph'], name)
      return {kind: 'nodes', items: args.length ? args.map((id) => g.nodes.get(String(id))).filter((n): n is Element => !!n) : [...g.nodes.values()]}
    case 'E':
      need(s, ['graph'], name)
      return {kind: 'edges', items: args.length ? args.map((id) => g.edges.get(String(id))).filter((n): n is Element => !!n) : [...g.edges.values()]}
    case 'Flows':
      need(s, ['graph'], name)
      return {kind: 'flows', items: [...g.flows]}
    case 'Has':
    case 'HasEither':
    case 'HasKey':
    case 'HasNot': {
      const st = need(s, ['nodes', 'edges', 'flows'], name) as Extract<State, {items: unknown[]}>
      const test = filter(name, args, st.kind === 'flows')
      return {...st, items: (st.items as Record<string, unknown>[]).filter(test)} as State
    }
    case 'Dedup':
      return s
    case 'Limit': {
      const st = need(s, ['nodes', 'edges', 'flows'], name) as Extract<State, {items: unknown[]}>
      return {...st, items: st.items.slice(0, Number(args[0]))} as State
    }
    case 'Count': {
      const st = need(s, ['nodes', 'edges', 'flows'], name) as Extract<State, {items: unknown[]}>
      return {kind: 'value', value: st.items.length}
    }
    case 'Sockets': {
      const st = need(s, ['nodes', 'flows'], name)
      const map: Record<string, unknown[]> = {}
      if (st.kind === 'nodes') {
        for (const n of st.items) if (Array.isArray(n.Metadata?.Sockets)) map[n.ID] = n.Metadata!.Sockets as unknown[]
      } else if (st.kind === 'flows') {
        for (const f of st.items) {
          const ends = flowSockets(g, f)
          if (ends.length) map[f.UUID] = ends
        }
      }
      return {kind: 'value', value: Object.keys(map).length ? [map] : []}
    }
    default:
      throw new GremlinError(`step ${name} is not supported by this fake analyzer`)
  }
}

function need(s: State, kinds: State['kind'][], step: string): State {
  if (!kinds.includes(s.kind)) throw new GremlinError(`${step} cannot follow ${s.kind === 'graph' ? 'G' : `a ${s.kind} step`}`)
  return s
}

/** A node's or edge's Metadata field, or a flow's dotted field (`Transport.Protocol`). */
function field(e: Record<string, unknown>, key: string, isFlow: boolean): unknown {
  let v: unknown = isFlow ? e : e.Metadata
  for (const part of key.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined
  return v
}

function matches(v: unknown, want: Value): boolean {
  if (typeof want === 'object') {
    const list = want.args
    switch (want.name) {
      case 'NE':
        return v !== undefined && !matches(v, list[0])
      case 'Within':
        return list.some((x) => matches(v, x))
      case 'Without':
        return !list.some((x) => matches(v, x))
      case 'Regex':
        return typeof v === 'string' && new RegExp(String(list[0])).test(v)
      default:
        throw new GremlinError(`predicate ${want.name} is not supported by this fake analyzer`)
    }
  }
  if (Array.isArray(v)) return v.some((x) => x === want)
  return v === want
}

function filter(step: string, args: Value[], isFlow: boolean): (e: Record<string, unknown>) => boolean {
  if (args.length === 0) throw new GremlinError(`${step} needs at least one parameter`)
  if (step === 'HasKey' || step === 'HasNot') {
    const key = String(args[0])
    const has = (e: Record<string, unknown>): boolean => {
      const v = field(e, key, isFlow)
      return v !== undefined && v !== null
    }
    return step === 'HasKey' ? has : (e) => !has(e)
  }
  if (args.length === 1) return (e) => field(e, String(args[0]), isFlow) !== undefined
  if (args.length % 2 !== 0) throw new GremlinError(`${step} takes key, value pairs`)
  const pairs: [string, Value][] = []
  for (let i = 0; i < args.length; i += 2) pairs.push([String(args[i]), args[i + 1]])
  return step === 'HasEither'
    ? (e) => pairs.some(([k, want]) => matches(field(e, k, isFlow), want))
    : (e) => pairs.every(([k, want]) => matches(field(e, k, isFlow), want))
}

/** The host sockets at either end of a flow: same protocol and both endpoints. */
function flowSockets(g: FakeGraph, f: Flow): unknown[] {
  const net = f.Network as {A?: string; B?: string} | undefined
  const tr = f.Transport as {Protocol?: string; A?: string | number; B?: string | number} | undefined
  if (!net || !tr) return []
  const out: unknown[] = []
  for (const n of g.nodes.values()) {
    const sockets = n.Metadata?.Sockets
    if (!Array.isArray(sockets)) continue
    for (const k of sockets as Record<string, unknown>[]) {
      const fwd = k.LocalAddress === net.A && String(k.LocalPort) === String(tr.A) && k.RemoteAddress === net.B && String(k.RemotePort) === String(tr.B)
      const back = k.LocalAddress === net.B && String(k.LocalPort) === String(tr.B) && k.RemoteAddress === net.A && String(k.RemotePort) === String(tr.A)
      if ((fwd || back) && String(k.Protocol).toUpperCase() === String(tr.Protocol).toUpperCase()) out.push(k)
    }
  }
  return out
}
