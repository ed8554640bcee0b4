import {commentText} from './comment-text.js'
import {hostHeader} from './file-name.js'
import type {AcceptRule, HostPolicy} from './types.js'

/** Set name of a rule's sources or destinations: `tcp_80_src4`. */
export function setName(r: Pick<AcceptRule, 'protocol' | 'port' | 'family'>, kind: 'src' | 'dst'): string {
  return `${r.protocol.toLowerCase()}_${r.port}_${kind}${r.family}`
}

/** The neighbour discovery messages IPv6 cannot work without (they are not part of any connection). */
export const ND_TYPES = ['nd-neighbor-solicit', 'nd-neighbor-advert', 'nd-router-solicit', 'nd-router-advert']

/** Prefix of the log line of a packet monitor mode lets through, and enforce mode would drop. */
export const LOG_PREFIX = 'fm-policy would drop: '

/**
 * A host's inbound ruleset as one nftables file for `nft -f`: its own table `inet fm`, created
 * empty, deleted and defined again in the same file, so loading it replaces the table atomically
 * (one transaction: every rule or none) and never touches another table. nftables 1.0.6 (Debian
 * 12) has no `destroy`, hence the empty table first, which makes the delete succeed on a first load.
 */
export function writeNftables(h: HostPolicy): string {
  const out = [
    '#!/usr/sbin/nft -f',
    `# fm policy (${h.mode}): inbound rules for one server host, written by fm policy; see README.md.`,
    '# Apply: nft -f THIS_FILE (replaces table inet fm in one transaction; other tables are left alone).',
    '# Remove: nft delete table inet fm',
    hostHeader(h.host),
    `# fm-policy-mode: ${h.mode}`,
    '',
    'table inet fm {}',
    'delete table inet fm',
    '',
    'table inet fm {',
  ]
  for (const r of h.rules) {
    const type = r.family === 4 ? 'ipv4_addr' : 'ipv6_addr'
    const sets: [string, string[]][] = [[setName(r, 'src'), r.sources]]
    if (r.destinations) sets.push([setName(r, 'dst'), r.destinations])
    for (const [name, elements] of sets) {
      out.push(`\tset ${name} {`, `\t\ttype ${type}`, '\t\tflags interval')
      out.push(`\t\telements = { ${elements.join(',\n\t\t\t     ')} }`)
      out.push('\t}', '')
    }
  }
  out.push('\tchain input {', '\t\ttype filter hook input priority filter; policy accept;', '')
  out.push('\t\tiif "lo" accept comment "loopback: a host talking to itself"')
  out.push('\t\tct state established,related accept comment "replies and related packets of allowed connections"')
  out.push(`\t\ticmpv6 type { ${ND_TYPES.join(', ')} } accept comment "IPv6 neighbour discovery"`)
  for (const s of h.services) {
    for (const r of s.rules) {
      const ip = r.family === 4 ? 'ip' : 'ip6'
      const dst = r.destinations ? ` ${ip} daddr @${setName(r, 'dst')}` : ''
      const why = `${r.protocol}/${r.port} ${s.services.join(',')}: ${r.sources.length} client address${r.sources.length === 1 ? '' : 'es'}`
      out.push(`\t\t${ip} saddr @${setName(r, 'src')}${dst} ${r.protocol.toLowerCase()} dport ${r.port} accept comment "${commentText(why)}"`)
    }
  }
  if (h.mode === 'enforce') out.push('\t\tcounter drop comment "fm: not observed"')
  else out.push(`\t\tlog prefix "${LOG_PREFIX}" counter accept comment "fm: not observed (monitor mode)"`)
  out.push('\t}', '}', '')
  return out.join('\n')
}
