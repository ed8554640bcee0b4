/** `enforce`: what no rule accepts is dropped. `monitor`: it is logged and accepted (a soak period before enforcing). */
export type PolicyMode = 'enforce' | 'monitor'

/**
 * One accept rule of a host's inbound ruleset: new connections of `protocol` to `port`, from one
 * of `sources`, to one of `destinations` (null: any address of the host). One family per rule,
 * as nftables sets and iptables/ip6tables are.
 */
export interface AcceptRule {
  protocol: 'TCP' | 'UDP'
  port: number
  family: 4 | 6
  /** Addresses and CIDR ranges, normalised (sorted, none inside another). */
  sources: string[]
  destinations: string[] | null
}

/**
 * The rules fm writes for a host: besides these accept rules the ruleset accepts loopback
 * traffic, packets of established and related connections and IPv6 neighbour discovery; anything
 * else is dropped (enforce) or logged and accepted (monitor). `fm check --policy` does not trust
 * this model: it reads the files back (ParsedRuleset).
 */
export interface HostRuleset {
  host: string
  mode: PolicyMode
  rules: AcceptRule[]
}

/** Why a client is let in: the observed connections behind it, and the baseline rule that allowed them. */
export interface Reason {
  clientHost: string
  clientIp: string
  clientService: string
  serverService: string
  serverIp: string
  connections: number
  /** Snapshots the connection was seen in. */
  seen: number
  /** `allow <rule> (line N)` when a baseline was given. */
  rule: string | null
  /**
   * True for a peer seen on the server's own sockets that no captured client was matched to (an
   * operator's session, a bastion, a client outside the capture): clientHost is '' and the client
   * process unknown.
   */
  peer?: true
}

/** An accept rule of a served (protocol, port) with the observations behind each of its sources. */
export interface ServicePolicy {
  protocol: 'TCP' | 'UDP'
  port: number
  /** The processes listening on it (names as socketinfo gives them), sorted. */
  services: string[]
  /** How the listeners are bound: `wildcard` ones are opened on the host's own addresses. */
  binds: string[]
  rules: AcceptRule[]
  reasons: Reason[]
  /** Networks `--allow-from` opened it to (admin networks, not observed), normalised; absent when none. */
  allowFrom?: string[]
}

/** A connection observed but not let in by the policy: why, for the README. */
export interface Unallowed extends Reason {
  protocol: string
  port: number
  /** `ignored by <rule>` or `not allowed by the baseline`. */
  why: string
}

/** The policy of one server host: the ruleset and what it was built from. */
export interface HostPolicy extends HostRuleset {
  /** The host's own addresses (interface metadata), sorted. */
  addresses: string[]
  services: ServicePolicy[]
  /** Observed connections the policy drops (with a baseline: those it does not allow). */
  unallowed: Unallowed[]
  /** Listeners no client was seen using: closed by the policy. */
  unused: {protocol: string; address: string; port: number; service: string}[]
  /** Listeners bound to loopback only: left alone (loopback is always accepted). */
  loopbackOnly: {protocol: string; address: string; port: number; service: string}[]
}

export interface Policy {
  mode: PolicyMode
  /** Number of snapshots the observation holds. */
  snapshots: number
  sources: string[]
  /** `/24`-style widening of client addresses per family, when asked for. */
  aggregate: {v4: number | null; v6: number | null}
  /** The baseline file when connections were filtered through one. */
  baseline: string | null
  hosts: HostPolicy[]
}

/** One rule of a policy file as read back: its conditions (absent: any) and what it does. */
export interface ParsedRule {
  /** Where it is written (1-based) and the file, for reports. */
  file: string
  line: number
  /** Loopback interface only. */
  loopback?: boolean
  /** Connection tracking states it matches (lower case); a new connection is `new`. */
  ctStates?: string[]
  /** True when the rule only matches ICMP/ICMPv6, never a TCP or UDP connection. */
  icmpOnly?: boolean
  family?: 4 | 6
  protocol?: 'TCP' | 'UDP'
  ports?: number[]
  sources?: string[]
  destinations?: string[]
  /** A terminal verdict; null: the rule only logs or counts, and the next rule is tried. */
  verdict: 'accept' | 'drop' | null
  log: boolean
}

/** A host's policy as read back from the files fm wrote: what the kernel will do with a new connection. */
export interface ParsedRuleset {
  host: string
  files: string[]
  /** Families the files filter (iptables: the `.rules` / `.rules6` present); others pass unfiltered. */
  families: (4 | 6)[]
  rules: ParsedRule[]
  /** What happens to a connection no rule decides. */
  fallthrough: 'accept' | 'drop'
}
