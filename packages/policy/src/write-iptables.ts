import {commentText} from './comment-text.js'
import {hostHeader} from './file-name.js'
import {LOG_PREFIX} from './write-nftables.js'
import type {HostPolicy} from './types.js'

/** fm's own chain; INPUT jumps to it (see the file's header for the one-time hook). */
export const IPTABLES_CHAIN = 'FM-INPUT'

/** ICMPv6 types of neighbour discovery, in ip6tables' names. */
const ND_TYPES6 = ['neighbour-solicitation', 'neighbour-advertisement', 'router-solicitation', 'router-advertisement']

/**
 * A host's inbound rules for one family as an `iptables-restore` (4) or `ip6tables-restore` (6)
 * file: the chain FM-INPUT is declared and flushed, then filled, in one commit. Loaded with
 * `--noflush` it leaves every other chain alone. iptables has no named address sets without
 * ipset, so each (source, destination) pair is one rule.
 */
export function writeIptables(h: HostPolicy, family: 4 | 6): string {
  const tool = family === 4 ? 'iptables' : 'ip6tables'
  const hostBits = family === 4 ? 32 : 128
  const cidr = (a: string): string => (a.includes('/') ? a : `${a}/${hostBits}`)
  const out = [
    `# fm policy (${h.mode}): inbound IPv${family} rules for one server host, written by fm policy; see README.md.`,
    `# Apply: ${tool}-restore --noflush < THIS_FILE`,
    `# Once, to send inbound traffic through it: ${tool} -C INPUT -j ${IPTABLES_CHAIN} 2>/dev/null || ${tool} -I INPUT 1 -j ${IPTABLES_CHAIN}`,
    hostHeader(h.host),
    `# fm-policy-mode: ${h.mode}`,
    '*filter',
    `:${IPTABLES_CHAIN} - [0:0]`,
    `-F ${IPTABLES_CHAIN}`,
    `-A ${IPTABLES_CHAIN} -i lo -j ACCEPT`,
    `-A ${IPTABLES_CHAIN} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`,
  ]
  if (family === 6) for (const t of ND_TYPES6) out.push(`-A ${IPTABLES_CHAIN} -p ipv6-icmp -m icmp6 --icmpv6-type ${t} -j ACCEPT`)
  for (const s of h.services) {
    for (const r of s.rules) {
      if (r.family !== family) continue
      const p = r.protocol.toLowerCase()
      const why = commentText(`${r.protocol}/${r.port} ${s.services.join(',')}`)
      for (const src of r.sources) {
        for (const dst of r.destinations ?? [null]) {
          out.push(`-A ${IPTABLES_CHAIN} -s ${cidr(src)}${dst ? ` -d ${cidr(dst)}` : ''} -p ${p} -m ${p} --dport ${r.port} -m comment --comment "${why}" -j ACCEPT`)
        }
      }
    }
  }
  if (h.mode === 'enforce') out.push(`-A ${IPTABLES_CHAIN} -j DROP`)
  else out.push(`-A ${IPTABLES_CHAIN} -j LOG --log-prefix "${LOG_PREFIX}"`, `-A ${IPTABLES_CHAIN} -j ACCEPT`)
  out.push('COMMIT', '')
  return out.join('\n')
}
