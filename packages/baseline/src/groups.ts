import {serviceName, type Endpoint} from '@fm/model'
import {isMap, isScalar, isSeq, type Node} from 'yaml'
import {inAddressRange, isAddressRange} from './address-range.js'
import {globMatch} from './glob.js'
import {keyOf, strings, yamlDocument, type Fail} from './parse-baseline.js'
import type {Pattern} from './types.js'

/** Names a group of hosts: every field given must match (`host` a glob on the host name, `address` CIDRs/addresses/globs on the end's address). */
export interface HostGroupRule {
  group: string
  host?: Pattern
  address?: string[]
  line: number
}

/** Names a service: `process` a glob on the executable path, `name` a glob on the process name. */
export interface ServiceGroupRule {
  service: string
  process?: Pattern
  name?: Pattern
  line: number
}

/** A groups file (`--groups`): the first matching rule of each list wins. */
export interface Groups {
  version: 1
  hosts: HostGroupRule[]
  services: ServiceGroupRule[]
}

const TOP_KEYS = ['version', 'hosts', 'services']

/** Parses and validates a groups file; every problem is an InputError naming the file, line and column. */
export function parseGroups(text: string, file: string): Groups {
  const {doc, lc, fail} = yamlDocument(text, file)
  const lineOf = (n: Node): number => lc.linePos(n.range?.[0] ?? 0).line
  const root = doc.contents
  if (!isMap(root)) return fail(root, 'a groups file is a mapping with keys version, hosts and services')
  for (const p of root.items) {
    const k = keyOf(p)
    if (!TOP_KEYS.includes(k)) fail(p.key as Node, `unknown key ${JSON.stringify(k)} (expected one of ${TOP_KEYS.join(', ')})`)
  }
  const version = root.get('version', true) as Node | undefined
  if (!isScalar(version) || version.value !== 1) fail(version ?? root, 'version: 1 is required (the only groups version this fm reads)')
  const list = (key: string): Node[] => {
    const node = root.get(key, true) as Node | undefined
    if (node === undefined || (isScalar(node) && node.value === null)) return []
    if (!isSeq(node)) return fail(node, `${key} must be a list of rules`)
    return node.items as Node[]
  }
  const hosts = list('hosts').map((n) => {
    const f = fields(n, fail, 'group', ['host', 'address'], '{group: computes, host: "cmp-*"}')
    for (const r of f.address ?? []) if (!isAddressRange(r)) fail(f.nodes.address, `address: ${JSON.stringify(r)} is no address, CIDR range or glob`)
    return {group: f.name, host: f.host, address: f.address, line: lineOf(n)}
  })
  const services = list('services').map((n) => {
    const f = fields(n, fail, 'service', ['process', 'name'], '{service: rabbitmq, process: "*/beam.smp"}')
    return {service: f.name, process: f.process, name: f.name_, line: lineOf(n)}
  })
  return {version: 1, hosts, services}
}

interface Fields {
  name: string
  nodes: Record<string, Node>
  host?: string[]
  address?: string[]
  process?: string[]
  name_?: string[]
}

/** One rule: the naming key (`group` or `service`) and at least one of the matching keys. */
function fields(item: Node, fail: Fail, nameKey: string, matchKeys: string[], example: string): Fields {
  if (!isMap(item)) return fail(item, `each rule must be a mapping such as ${example}`)
  const out: Fields = {name: '', nodes: {}}
  for (const p of item.items) {
    const k = keyOf(p)
    const v = p.value as Node | null
    if (k !== nameKey && !matchKeys.includes(k)) fail(p.key as Node, `unknown field ${JSON.stringify(k)} (expected ${[nameKey, ...matchKeys].join(', ')})`)
    if (v === null || (isScalar(v) && v.value === null)) return fail(p.key as Node, `${k} has no value`)
    out.nodes[k] = v
    if (k === nameKey) {
      if (!isScalar(v) || typeof v.value === 'object' || String(v.value) === '') fail(v, `${nameKey} must be a non-empty name`)
      out.name = String((v as {value: unknown}).value)
    } else (out as unknown as Record<string, string[]>)[k === 'name' ? 'name_' : k] = strings(v, k, fail)
  }
  if (!out.name) fail(item, `every rule needs ${nameKey}: the name it gives, as in ${example}`)
  if (!matchKeys.some((k) => k in out.nodes)) fail(item, `a rule needs ${matchKeys.join(' or ')}: what it names, as in ${example}`)
  return out
}

/** The names groups give to the ends of entries, memoised: a large matrix repeats the same few thousand ends. */
export class GroupNames {
  private readonly hostCache = new Map<string, string | null>()
  private readonly serviceCache = new Map<string, string | null>()

  constructor(readonly groups: Groups) {}

  /** The group of the end's host, or null when no rule names it. */
  host(end: Pick<Endpoint, 'host' | 'ip'>): string | null {
    if (this.groups.hosts.length === 0) return null
    const key = `${end.host}\u0000${end.ip}`
    let g = this.hostCache.get(key)
    if (g === undefined) {
      const rule = this.groups.hosts.find((r) => (!r.host || r.host.some((p) => globMatch(p, end.host))) && (!r.address || r.address.some((a) => inAddressRange(end.ip, a))))
      g = rule?.group ?? null
      this.hostCache.set(key, g)
    }
    return g
  }

  /** The service name a rule gives the end's process, or null when no rule names it. */
  service(end: Pick<Endpoint, 'name' | 'process'>): string | null {
    if (this.groups.services.length === 0) return null
    const key = `${end.process}\u0000${end.name}`
    let s = this.serviceCache.get(key)
    if (s === undefined) {
      const name = serviceName(end)
      const rule = this.groups.services.find((r) => (!r.process || r.process.some((p) => globMatch(p, end.process))) && (!r.name || r.name.some((p) => globMatch(p, name))))
      s = rule?.service ?? null
      this.serviceCache.set(key, s)
    }
    return s
  }
}
