import {mdText} from '@fm/baseline'
import type {HostPolicy, Policy, Reason} from './types.js'

export type PolicyFormat = 'nftables' | 'iptables'

/**
 * DIR/README.md: per host, its file, which (protocol, port) is opened to which clients and why
 * (the observations behind each client, and the baseline rule that allowed them), what it drops
 * that was observed, what listens but stays closed, and what the policy does not cover.
 * Written in pieces (readmeHead, a readmeHostRow per host, then a readmeHostSection per host) so a
 * large policy can be written one host at a time.
 */
export function writeReadme(p: Policy, format: PolicyFormat, fileOf: (host: string) => string[]): string {
  return readmeHead(p, format) + p.hosts.map((h) => readmeHostRow(h, fileOf)).join('') + p.hosts.map((h) => readmeHostSection(h, p, fileOf)).join('')
}

const md = mdText

/** A reason's client host: a peer no captured client was matched to has none. */
const clientOf = (r: Reason): string => (r.peer ? '*outside peer*' : md(r.clientHost))

/** README.md up to the hosts table's header: what the policy is and how to apply it. */
export function readmeHead(p: Omit<Policy, 'hosts'>, format: PolicyFormat): string {
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`
  const out = [
    '# fm policy',
    '',
    `Inbound firewall rules per server host (${format}, mode **${p.mode}**), written by \`fm policy\` from ${plural(p.snapshots, 'snapshot')} of ${p.sources.map((s) => md(s)).join(', ')}${p.baseline ? `, keeping only the connections the baseline ${md(p.baseline)} allows` : ''}.`,
    p.aggregate.v4 || p.aggregate.v6 ? `Client addresses are widened to networks (${[p.aggregate.v4 ? `IPv4 /${p.aggregate.v4}` : '', p.aggregate.v6 ? `IPv6 /${p.aggregate.v6}` : ''].filter(Boolean).join(', ')}).` : 'Client addresses are exactly those observed.',
    '',
    'Each ruleset accepts loopback traffic, packets of established and related connections and IPv6 neighbour discovery, then the clients below; everything else is ' +
      (p.mode === 'enforce' ? 'dropped.' : `logged (prefix \`fm-policy would drop:\`) and accepted: monitor mode, a soak period before enforcing.`),
    '',
    format === 'nftables'
      ? 'Apply on each host: `nft -f HOST.nft` (replaces the table `inet fm` in one transaction and touches no other table; `nft delete table inet fm` removes it).'
      : 'Apply on each host: `iptables-restore --noflush < HOST.rules` and `ip6tables-restore --noflush < HOST.rules6` (they replace the chain `FM-INPUT` only); once, hook it with `iptables -I INPUT 1 -j FM-INPUT` (and `ip6tables`).',
    'Before applying, `fm check --policy DIR CAPTURE` lists the observed connections this policy would drop.',
    '',
    '**Not covered**: outbound traffic (only inbound connections are filtered); connections never observed in the capture window (a monthly backup, a failover) are dropped; processes (nftables and iptables filter addresses and ports, not programs: any process listening on an opened port is reachable); ICMP other than neighbour discovery and errors about allowed connections.',
    '',
    '## Hosts',
    '',
    '| Host | File | Opened | Dropped (observed) |',
    '| --- | --- | --- | --- |',
  ]
  return out.join('\n') + '\n'
}

/** A host's row of the hosts table. */
export function readmeHostRow(h: HostPolicy, fileOf: (host: string) => string[]): string {
  return `| ${md(h.host)} | ${fileOf(h.host).map((f) => md(f)).join(', ')} | ${h.services.map((s) => `${s.protocol}/${s.port}`).join(', ') || 'nothing'} | ${h.unallowed.length} |\n`
}

/** A host's section: what is opened to whom and why, what is dropped, closed and left alone. */
export function readmeHostSection(h: HostPolicy, p: Pick<Policy, 'snapshots'>, fileOf: (host: string) => string[]): string {
  const out: string[] = []
  out.push('', `## ${md(h.host)}`, '')
  out.push(`Files: ${fileOf(h.host).map((f) => md(f)).join(', ')}. Own addresses: ${h.addresses.map((a) => `\`${a}\``).join(', ') || 'none reported (wildcard listeners accept on any address)'}.`, '')
  if (h.services.length === 0) out.push('No observed client: every new inbound connection is ' + (h.mode === 'enforce' ? 'dropped.' : 'logged.'), '')
  for (const s of h.services) {
    out.push(`### ${s.protocol}/${s.port} (${s.services.map(md).join(', ')})`, '')
    out.push(`${s.binds.length ? `Listening on ${s.binds.map((b) => md(b)).join(', ')}` : 'No listener seen (the connections prove the service)'}; opened to:`, '')
    for (const r of s.rules) out.push(`- IPv${r.family}: ${r.sources.map((a) => `\`${a}\``).join(', ')} → ${r.destinations ? r.destinations.map((a) => `\`${a}\``).join(', ') : 'any address of the host'}`)
    out.push('', '| Client | Address | Process | To | Connections | Seen | Why |', '| --- | --- | --- | --- | --- | --- | --- |')
    for (const r of s.reasons) {
      out.push(`| ${clientOf(r)} | ${md(r.clientIp)} | ${md(r.clientService)} | ${md(r.serverService)}@${md(r.serverIp)} | ${r.connections} | ${r.seen} of ${p.snapshots} | ${r.rule ? md(r.rule) : 'observed'} |`)
    }
    const peers = [...new Set(s.reasons.filter((r) => r.peer).map((r) => r.clientIp))]
    if (peers.length) out.push('', `Outside peers kept (seen on ${md(h.host)}'s own sockets, matched to no captured client: an operator, a bastion, a client outside the capture): ${peers.map((a) => `\`${a}\``).join(', ')}.`)
    if (s.allowFrom) out.push('', `Also opened to the admin networks of \`--allow-from\`: ${s.allowFrom.map((a) => `\`${a}\``).join(', ')}.`)
    out.push('')
  }
  if (h.unallowed.length) {
    out.push('### Observed but not allowed: the policy drops these', '', '| Protocol/port | Client | Address | Process | To | Connections | Why |', '| --- | --- | --- | --- | --- | --- | --- |')
    for (const u of h.unallowed) out.push(`| ${md(u.protocol)}/${u.port} | ${clientOf(u)} | ${md(u.clientIp)} | ${md(u.clientService)} | ${md(u.serverService)}@${md(u.serverIp)} | ${u.connections} | ${md(u.why)} |`)
    out.push('')
  }
  if (h.unused.length) {
    out.push('### Listening, no client observed: closed', '')
    for (const l of h.unused) out.push(`- ${md(l.protocol)}/${l.port} on ${md(l.address)} (${md(l.service)})`)
    out.push('')
  }
  if (h.loopbackOnly.length) {
    out.push('### Bound to loopback only: left alone', '')
    for (const l of h.loopbackOnly) out.push(`- ${md(l.protocol)}/${l.port} on ${md(l.address)} (${md(l.service)})`)
    out.push('')
  }
  return out.join('\n') + '\n'
}
