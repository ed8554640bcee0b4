import {cmp, InputError} from '@fm/model'
import {parseIptables} from './parse-iptables.js'
import {parseNftables} from './parse-nftables.js'
import type {ParsedRuleset} from './types.js'

/**
 * Reads the host files of a policy folder (`.nft`, or `.rules` / `.rules6`; README.md and other
 * files are not rules) into one ruleset per host, named by the host line inside each file, in the
 * order of each host's first file by name.
 */
export function parsePolicyFiles(files: {name: string; text: string}[]): ParsedRuleset[] {
  const byHost = new Map<string, ParsedRuleset>()
  for (const f of [...files].sort((a, b) => cmp(a.name, b.name))) {
    const rs = parsePolicyFile(f)
    if (!rs) continue
    const had = byHost.get(rs.host)
    byHost.set(rs.host, had ? mergeRulesets(had, rs) : rs)
  }
  return [...byHost.values()]
}

/** One host file of a policy folder read by its kind (file name ending); null for a file that holds no rules. */
export function parsePolicyFile(f: {name: string; text: string}): ParsedRuleset | null {
  if (f.name.endsWith('.nft')) return parseNftables(f.text, f.name)
  if (f.name.endsWith('.rules')) return parseIptables(f.text, f.name, 4)
  if (f.name.endsWith('.rules6')) return parseIptables(f.text, f.name, 6)
  return null
}

/** A host's ruleset with the one of its next file (iptables: IPv4 and IPv6); a second ruleset for a family is an InputError. */
export function mergeRulesets(had: ParsedRuleset, rs: ParsedRuleset): ParsedRuleset {
  const overlap = rs.families.filter((x) => had.families.includes(x))
  if (overlap.length) throw new InputError(rs.files[0], `a second ruleset for host ${JSON.stringify(rs.host)} (IPv${overlap.join(', IPv')}), after ${had.files.join(', ')}`)
  // iptables: the IPv4 and IPv6 files of one host; each rule carries its family
  return {...had, files: [...had.files, ...rs.files], families: [...had.families, ...rs.families], rules: [...had.rules, ...rs.rules]}
}
