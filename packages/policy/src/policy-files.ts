import {cmp} from '@fm/model'
import {hostFileName} from './file-name.js'
import {writeIptables} from './write-iptables.js'
import {writeNftables} from './write-nftables.js'
import {writeReadme, type PolicyFormat} from './write-readme.js'
import type {Policy} from './types.js'

/** Every file of a policy folder: one (nftables) or two (iptables, IPv4 and IPv6) per host, and README.md. */
export function policyFiles(p: Policy, format: PolicyFormat): {name: string; text: string}[] {
  const fileOf = (host: string): string[] => (format === 'nftables' ? [`${hostFileName(host)}.nft`] : [`${hostFileName(host)}.rules`, `${hostFileName(host)}.rules6`])
  const files: {name: string; text: string}[] = []
  for (const h of p.hosts) {
    const [a, b] = fileOf(h.host)
    if (format === 'nftables') files.push({name: a, text: writeNftables(h)})
    else files.push({name: a, text: writeIptables(h, 4)}, {name: b, text: writeIptables(h, 6)})
  }
  files.sort((x, y) => cmp(x.name, y.name))
  files.push({name: 'README.md', text: writeReadme(p, format, fileOf)})
  return files
}
