import {InputError} from '@fm/model'
import {parseNet} from './cidr.js'
import {readHostHeader} from './file-name.js'
import {IPTABLES_CHAIN} from './write-iptables.js'
import type {ParsedRule, ParsedRuleset} from './types.js'

/**
 * Reads an iptables-restore (family 4) or ip6tables-restore (6) file fm policy wrote into the
 * rules of its chain FM-INPUT. A connection the chain does not decide returns to INPUT, which
 * fm does not see: it counts as accepted. Anything fm cannot evaluate is an InputError naming the line.
 */
export function parseIptables(text: string, file: string, family: 4 | 6): ParsedRuleset {
  const host = readHostHeader(text)
  if (host === null) throw new InputError(file, 'no "# fm-policy-host:" line: not a file fm policy wrote')
  const rules: ParsedRule[] = []
  let table: string | null = null
  text.split('\n').forEach((raw, idx) => {
    const line = idx + 1
    const s = raw.trim()
    const fail = (what: string): never => {
      throw new InputError(file, `line ${line}: ${what}`)
    }
    if (s === '' || s.startsWith('#')) return
    if (s.startsWith('*')) {
      table = s.slice(1)
      if (table !== 'filter') fail(`fm evaluates only the filter table, found ${table}`)
      return
    }
    if (s === 'COMMIT') return
    if (s.startsWith(':')) return
    const args = splitArgs(s, fail)
    if (args[0] === '-F' || args[0] === '-N') return
    if (args[0] !== '-A') fail(`fm cannot evaluate "${args[0]}"`)
    if (args[1] !== IPTABLES_CHAIN) fail(`fm evaluates only the chain ${IPTABLES_CHAIN}, found ${args[1]}`)
    const r: ParsedRule = {file, line, verdict: null, log: false, family}
    for (let k = 2; k < args.length; k++) {
      const a = args[k]
      const next = (): string => args[++k] ?? fail(`${a} needs a value`)
      if (a === '-i') {
        if (next() !== 'lo') fail('fm evaluates only the loopback interface')
        r.loopback = true
      } else if (a === '-m') {
        const mod = next()
        if (!['conntrack', 'state', 'tcp', 'udp', 'comment', 'icmp6', 'icmp'].includes(mod)) fail(`fm cannot evaluate the match "${mod}"`)
      } else if (a === '--ctstate' || a === '--state') r.ctStates = next().toLowerCase().split(',')
      else if (a === '-p') {
        const p = next().toLowerCase()
        if (p === 'tcp' || p === 'udp') r.protocol = p === 'tcp' ? 'TCP' : 'UDP'
        else if (p === 'ipv6-icmp' || p === 'icmpv6' || p === 'icmp') r.icmpOnly = true
        else fail(`fm cannot evaluate the protocol "${p}"`)
      } else if (a === '--icmpv6-type' || a === '--icmp-type') next()
      else if (a === '--dport' || a === '--destination-port') {
        const p = next()
        if (!/^\d+$/.test(p) || Number(p) > 65535) fail(`"${p}" is no port`)
        r.ports = [Number(p)]
      } else if (a === '-s' || a === '-d') {
        const v = next()
        const n = parseNet(v)
        if (!n || n.family !== family) fail(`"${v}" is no IPv${family} address or range`)
        if (a === '-s') r.sources = [v]
        else r.destinations = [v]
      } else if (a === '--comment') next()
      else if (a === '--log-prefix' || a === '--log-level') next()
      else if (a === '-j') {
        const t = next()
        if (t === 'ACCEPT') r.verdict = 'accept'
        else if (t === 'DROP' || t === 'REJECT') r.verdict = 'drop'
        else if (t === 'LOG') r.log = true
        else fail(`fm cannot evaluate the target "${t}"`)
      } else fail(`fm cannot evaluate "${a}"`)
    }
    rules.push(r)
  })
  return {host, files: [file], families: [family], rules, fallthrough: 'accept'}
}

/** Splits a rule line as iptables-restore does: on blanks, double quotes grouping. */
function splitArgs(s: string, fail: (what: string) => never): string[] {
  const out: string[] = []
  for (const m of s.matchAll(/"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2])
  if ((s.match(/"/g)?.length ?? 0) % 2) fail('unterminated string')
  return out
}
