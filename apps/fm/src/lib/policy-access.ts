import {statSync} from 'node:fs'
import {readManifest} from '@fm/ingest'
import {printable} from '@fm/model'
import type {ClosedAccess} from '@fm/policy'

/**
 * The TCP ports the inputs' own transports logged in on: for each fm capture folder collected
 * over ssh (its manifest's `collect.transport` runs `ssh`), the port it names (`-p N`, `-o Port=N`)
 * or 22. What fm policy must not close without saying so. Anything unreadable adds nothing (the
 * analysis reports bad inputs).
 */
export async function transportPorts(inputs: string[]): Promise<number[]> {
  const ports = new Set<number>()
  for (const input of inputs) {
    let transport: unknown
    try {
      if (!statSync(input).isDirectory()) continue
      // the analysis' own reader: a regular file, bounded before it is read
      transport = ((await readManifest(input)) as {collect?: {transport?: unknown}}).collect?.transport
    } catch {
      continue
    }
    const port = typeof transport === 'string' ? sshPort(transport) : null
    if (port !== null) ports.add(port)
  }
  return [...ports].sort((a, b) => a - b)
}

/** The port an ssh transport template logs in on (22 unless `-p N` or `-o Port=N`); null when it does not run ssh. */
export function sshPort(template: string): number | null {
  const words = template.split(/\s+/).map((w) => w.replace(/^['"]|['"]$/g, '')).filter(Boolean)
  const at = words.findIndex((w) => !w.startsWith('-') && !w.includes('=') && /(^|\/)ssh$/.test(w))
  if (at < 0) return null
  let port = 22
  // options end at `--` or the destination: what follows is the remote command
  for (let i = at + 1; i < words.length && words[i] !== '--' && !words[i].includes('{host}'); i++) {
    const w = words[i]
    const p = w === '-p' ? words[i + 1] : /^-p\d+$/.test(w) ? w.slice(2) : null
    const o = w === '-o' ? words[i + 1] : w.startsWith('-o') ? w.slice(2) : null
    const value = p ?? (o ? /^Port\s*=?\s*(\d+)$/i.exec(o)?.[1] : undefined)
    if (value && /^\d{1,5}$/.test(value) && Number(value) > 0 && Number(value) < 65536) port = Number(value)
  }
  return port
}

/**
 * fm policy's warning when the policy closes remote access, or opens it only to the addresses
 * observed (closedAccess): one line per port, service and verdict with up to 5 hosts, then the
 * flag that opens it; null when there is nothing to say.
 */
export function closedAccessWarning(closed: ClosedAccess[]): string | null {
  if (closed.length === 0) return null
  const byPort = new Map<string, {port: number; hosts: string[]}>()
  for (const c of closed) {
    const verdict = c.clients === 0 ? 'closed' : `open only to the ${c.clients === 1 ? 'address' : 'addresses'} observed`
    const key = `${c.protocol}/${c.port} (${printable(c.service)}) ${verdict}`
    const g = byPort.get(key) ?? {port: c.port, hosts: []}
    byPort.set(key, g)
    if (!g.hosts.includes(c.host)) g.hosts.push(c.host)
  }
  const lines = ['WARNING: this policy restricts remote login. Applied, it keeps the sessions open now and refuses every later login from an address it does not list:']
  for (const [key, g] of byPort) {
    const shown = g.hosts.slice(0, 5).map((h) => printable(h)).join(', ')
    lines.push(`  ${key} on ${g.hosts.length === 1 ? shown : `${g.hosts.length} hosts (${shown}${g.hosts.length > 5 ? ', ...' : ''})`}`)
  }
  const port = [...byPort.values()][0].port
  lines.push(`  Open it to your admin networks with --allow-from CIDR:${port} (repeatable; a CIDR alone opens every port), e.g. --allow-from 192.0.2.0/24:${port}; see "Before you apply" in fm's README.`)
  return lines.join('\n') + '\n'
}
