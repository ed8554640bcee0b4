import {cmp} from '@fm/model'
import {hostFileName} from './file-name.js'
import {writeIptables} from './write-iptables.js'
import {writeNftables} from './write-nftables.js'
import {writeReadme, type PolicyFormat} from './write-readme.js'
import type {HostPolicy, Policy} from './types.js'

/** The file names of a host's rules: one (nftables) or two (iptables: IPv4, then IPv6). */
export function policyFileNames(host: string, format: PolicyFormat): string[] {
  return format === 'nftables' ? [`${hostFileName(host)}.nft`] : [`${hostFileName(host)}.rules`, `${hostFileName(host)}.rules6`]
}

/** A host's rule files, named as policyFileNames names them. */
export function hostPolicyFiles(h: HostPolicy, format: PolicyFormat): {name: string; text: string}[] {
  const [a, b] = policyFileNames(h.host, format)
  return format === 'nftables' ? [{name: a, text: writeNftables(h)}] : [{name: a, text: writeIptables(h, 4)}, {name: b, text: writeIptables(h, 6)}]
}

/** Every file of a policy folder: one (nftables) or two (iptables, IPv4 and IPv6) per host, sorted by name, and README.md last. */
export function policyFiles(p: Policy, format: PolicyFormat): {name: string; text: string}[] {
  const files = p.hosts.flatMap((h) => hostPolicyFiles(h, format))
  files.sort((x, y) => cmp(x.name, y.name))
  files.push({name: 'README.md', text: writeReadme(p, format, (host) => policyFileNames(host, format))})
  return files
}
