import {cmp, InputError} from '@fm/model'
import {parseIptables} from './parse-iptables.js'
import {parseNftables} from './parse-nftables.js'
import type {ParsedRuleset} from './types.js'

/**
 * Reads the host files of a policy folder (`.nft`, or `.rules` / `.rules6`; README.md and other
 * files are not rules) into one ruleset per host, named by the host line inside each file.
 */
export function parsePolicyFiles(files: {name: string; text: string}[]): ParsedRuleset[] {
  const byHost = new Map<string, ParsedRuleset>()
  for (const f of [...files].sort((a, b) => cmp(a.name, b.name))) {
    let rs: ParsedRuleset
    if (f.name.endsWith('.nft')) rs = parseNftables(f.text, f.name)
    else if (f.name.endsWith('.rules')) rs = parseIptables(f.text, f.name, 4)
    else if (f.name.endsWith('.rules6')) rs = parseIptables(f.text, f.name, 6)
    else continue
    const had = byHost.get(rs.host)
    if (!had) {
      byHost.set(rs.host, rs)
      continue
    }
    const overlap = rs.families.filter((x) => had.families.includes(x))
    if (overlap.length) throw new InputError(f.name, `a second ruleset for host ${JSON.stringify(rs.host)} (IPv${overlap.join(', IPv')}), after ${had.files.join(', ')}`)
    // iptables: the IPv4 and IPv6 files of one host; each rule carries its family
    byHost.set(rs.host, {...had, files: [...had.files, ...rs.files], families: [...had.families, ...rs.families], rules: [...had.rules, ...rs.rules]})
  }
  return [...byHost.values()]
}
