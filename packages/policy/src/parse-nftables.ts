import {InputError} from '@fm/model'
import {parseNet} from './cidr.js'
import {readHostHeader} from './file-name.js'
import type {ParsedRule, ParsedRuleset} from './types.js'

interface Token {
  t: string
  line: number
  /** A double-quoted string (t is its content). */
  quoted?: boolean
}

/**
 * Reads an nftables file fm policy wrote (or one edited in the same vocabulary) into the rules of
 * its input chain in table `inet fm`. Anything fm cannot evaluate (another table, a jump, an
 * unknown statement) is an InputError naming the line, never skipped.
 */
export function parseNftables(text: string, file: string): ParsedRuleset {
  const host = readHostHeader(text)
  if (host === null) throw new InputError(file, 'no "# fm-policy-host:" line: not a file fm policy wrote')
  const toks = tokenize(text, file)
  let i = 0
  const fail = (tok: Token | undefined, what: string): never => {
    throw new InputError(file, `line ${tok?.line ?? 'end'}: ${what}`)
  }
  const expect = (t: string): Token => {
    const tok = toks[i++]
    if (!tok || tok.t !== t || tok.quoted) fail(tok, `expected "${t}", found ${tok ? `"${tok.t}"` : 'the end'}`)
    return tok
  }
  const skipNl = (): void => {
    while (toks[i] && (toks[i].t === '\n' || toks[i].t === ';') && !toks[i].quoted) i++
  }
  let sets = new Map<string, {family: 4 | 6; elements: string[]}>()
  let chains: {name: string; line: number; hook: boolean; policy: 'accept' | 'drop'; rules: Token[][]}[] = []

  const tableName = (): void => {
    const fam = toks[i++]
    const name = toks[i++]
    if (fam?.t !== 'inet' || name?.t !== 'fm') fail(fam, `fm check --policy evaluates only table inet fm, found "${fam?.t} ${name?.t}"`)
  }
  for (skipNl(); i < toks.length; skipNl()) {
    const tok = toks[i++]
    if (tok.t === 'delete' || tok.t === 'flush' || tok.t === 'destroy') {
      expect('table')
      tableName()
      sets = new Map()
      chains = []
      continue
    }
    if (tok.t !== 'table') fail(tok, `fm cannot evaluate "${tok.t}"`)
    tableName()
    expect('{')
    for (skipNl(); toks[i] && toks[i].t !== '}'; skipNl()) {
      const kind = toks[i++]
      const name = toks[i++]
      if (!name) fail(kind, 'unexpected end')
      expect('{')
      if (kind.t === 'set') sets.set(name.t, readSet(name.t))
      else if (kind.t === 'chain') chains.push(readChain(name.t, kind.line))
      else fail(kind, `fm cannot evaluate "${kind.t}" in a table`)
    }
    expect('}')
  }

  function readSet(name: string): {family: 4 | 6; elements: string[]} {
    let family: 4 | 6 | null = null
    let elements: string[] = []
    for (skipNl(); toks[i] && toks[i].t !== '}'; skipNl()) {
      const tok = toks[i++]
      if (tok.t === 'type') {
        const ty = toks[i++]
        family = ty?.t === 'ipv4_addr' ? 4 : ty?.t === 'ipv6_addr' ? 6 : fail(ty, `set ${name}: fm evaluates address sets only (ipv4_addr, ipv6_addr), found "${ty?.t}"`)
      } else if (tok.t === 'flags') {
        while (toks[i] && toks[i].t !== '\n' && toks[i].t !== ';' && toks[i].t !== '}') i++
      } else if (tok.t === 'auto-merge') {
        // no effect on membership
      } else if (tok.t === 'comment') i++
      else if (tok.t === 'elements') {
        expect('=')
        elements = readList()
      } else fail(tok, `set ${name}: fm cannot evaluate "${tok.t}"`)
    }
    expect('}')
    if (family === null) fail(toks[i - 1], `set ${name} has no type`)
    for (const e of elements) if (parseNet(e)?.family !== family) fail(toks[i - 1], `set ${name}: "${e}" is no IPv${family} address or range`)
    return {family: family!, elements}
  }

  /** `{ a, b, c }` (newlines allowed) or a single value. */
  function readList(): string[] {
    if (toks[i]?.t !== '{') return [toks[i++].t]
    i++
    const out: string[] = []
    while (toks[i] && toks[i].t !== '}') {
      const tok = toks[i++]
      if (tok.t !== ',' && tok.t !== '\n') out.push(tok.t)
    }
    expect('}')
    return out
  }

  function readChain(name: string, line: number) {
    const chain = {name, line, hook: false, policy: 'accept' as 'accept' | 'drop', rules: [] as Token[][]}
    for (skipNl(); toks[i] && toks[i].t !== '}'; skipNl()) {
      const stmt: Token[] = []
      let depth = 0
      while (toks[i] && (depth > 0 || (toks[i].t !== '\n' && toks[i].t !== ';' && toks[i].t !== '}') || toks[i].quoted)) {
        if (!toks[i].quoted) depth += toks[i].t === '{' ? 1 : toks[i].t === '}' ? -1 : 0
        stmt.push(toks[i++])
      }
      if (stmt[0].t === 'type' && !stmt[0].quoted) {
        const hook = stmt.findIndex((x) => x.t === 'hook')
        if (stmt[1]?.t !== 'filter' || stmt[hook + 1]?.t !== 'input') fail(stmt[0], `chain ${name}: fm evaluates only a filter chain on the input hook`)
        chain.hook = true
      } else if (stmt[0].t === 'policy') {
        chain.policy = stmt[1]?.t === 'drop' ? 'drop' : stmt[1]?.t === 'accept' ? 'accept' : fail(stmt[1], `chain ${name}: unknown policy`)
      } else chain.rules.push(stmt)
    }
    expect('}')
    return chain
  }

  if (chains.length === 0) fail(toks[toks.length - 1], 'no chain in table inet fm')
  const bad = chains.find((c) => !c.hook)
  if (bad) fail({t: '', line: bad.line}, `chain ${bad.name} is not on the input hook: fm cannot evaluate jumps to regular chains`)
  if (chains.length > 1) fail({t: '', line: chains[1].line}, 'more than one input chain: fm evaluates one')
  const chain = chains[0]
  const rules = chain.rules.map((stmt) => readRule(stmt))

  function readRule(stmt: Token[]): ParsedRule {
    const r: ParsedRule = {file, line: stmt[0].line, verdict: null, log: false}
    let k = 0
    const value = (): string[] => {
      if (stmt[k]?.t === '{') {
        const out: string[] = []
        k++
        while (stmt[k] && stmt[k].t !== '}') {
          if (stmt[k].t !== ',' && stmt[k].t !== '\n') out.push(stmt[k].t)
          k++
        }
        k++
        return out
      }
      const first = stmt[k++]
      if (!first) fail(stmt[0], 'a value is missing')
      const out = [first.t]
      // `established,related`
      while (stmt[k]?.t === ',') {
        k++
        out.push(stmt[k++].t)
      }
      return out
    }
    const addresses = (tok: Token): string[] => {
      const v = value()
      if (v.length === 1 && v[0].startsWith('@')) {
        const set = sets.get(v[0].slice(1))
        if (!set) fail(tok, `no set named ${v[0].slice(1)}`)
        return set!.elements
      }
      for (const a of v) if (!parseNet(a)) fail(tok, `"${a}" is no address or range`)
      return v
    }
    const setFamily = (tok: Token, f: 4 | 6): void => {
      if (r.family && r.family !== f) fail(tok, 'a rule matching both IPv4 and IPv6 matches nothing')
      r.family = f
    }
    while (k < stmt.length) {
      const tok = stmt[k++]
      const w = tok.t
      if (tok.quoted) fail(tok, `unexpected string "${w}"`)
      if (w === 'iif' || w === 'iifname') {
        const v = value()
        if (v.length !== 1 || v[0] !== 'lo') fail(tok, `fm evaluates only the loopback interface, found ${v.join(',')}`)
        r.loopback = true
      } else if (w === 'ct') {
        if (stmt[k++]?.t !== 'state') fail(tok, 'fm evaluates only "ct state"')
        r.ctStates = value().map((s) => s.toLowerCase())
      } else if (w === 'icmpv6' || w === 'icmp') {
        k++ // type
        value()
        r.icmpOnly = true
      } else if (w === 'ip' || w === 'ip6') {
        setFamily(tok, w === 'ip' ? 4 : 6)
        const field = stmt[k++]?.t
        if (field === 'saddr') r.sources = addresses(tok)
        else if (field === 'daddr') r.destinations = addresses(tok)
        else fail(tok, `fm evaluates only "${w} saddr" and "${w} daddr"`)
      } else if (w === 'tcp' || w === 'udp') {
        if (r.protocol && r.protocol !== w.toUpperCase()) fail(tok, 'a rule matching both TCP and UDP matches nothing')
        r.protocol = w === 'tcp' ? 'TCP' : 'UDP'
        if (stmt[k++]?.t !== 'dport') fail(tok, `fm evaluates only "${w} dport"`)
        r.ports = value().map((p) => (/^\d+$/.test(p) && Number(p) <= 65535 ? Number(p) : fail(tok, `"${p}" is no port`)))
      } else if (w === 'meta') {
        const key = stmt[k++]?.t
        const v = value()
        if (key === 'nfproto' && v.length === 1 && (v[0] === 'ipv4' || v[0] === 'ipv6')) setFamily(tok, v[0] === 'ipv4' ? 4 : 6)
        else if (key === 'l4proto' && v.length === 1 && (v[0] === 'tcp' || v[0] === 'udp')) r.protocol = v[0] === 'tcp' ? 'TCP' : 'UDP'
        else if (key === 'l4proto' && v.length === 1 && (v[0] === 'icmp' || v[0] === 'ipv6-icmp' || v[0] === 'icmpv6')) r.icmpOnly = true
        else fail(tok, `fm cannot evaluate "meta ${key} ${v.join(',')}"`)
      } else if (w === 'counter') {
        while (stmt[k] && (stmt[k].t === 'packets' || stmt[k].t === 'bytes')) k += 2
      } else if (w === 'log') {
        r.log = true
        while (stmt[k] && (stmt[k].t === 'prefix' || stmt[k].t === 'level')) k += 2
      } else if (w === 'comment') k++
      else if (w === 'accept') r.verdict = 'accept'
      else if (w === 'drop' || w === 'reject') r.verdict = 'drop'
      else fail(tok, `fm cannot evaluate "${w}"`)
    }
    return r
  }

  return {host, files: [file], families: [4, 6], rules, fallthrough: chain.policy}
}

/** Words, braces, `;`, `,`, `=`, newlines and double-quoted strings; `#` comments dropped. */
function tokenize(text: string, file: string): Token[] {
  const out: Token[] = []
  let line = 1
  const re = /[ \t\r]+|#[^\n]*|\n|"[^"\n]*"|[{};,=]|[^\s{};,="#]+|"/g
  for (const m of text.matchAll(re)) {
    const s = m[0]
    if (s === '\n') {
      out.push({t: '\n', line})
      line++
    } else if (s === '"') throw new InputError(file, `line ${line}: unterminated string`)
    else if (s.startsWith('"')) out.push({t: s.slice(1, -1), line, quoted: true})
    else if (!/^[ \t\r]/.test(s) && !s.startsWith('#')) out.push({t: s, line})
  }
  return out
}
