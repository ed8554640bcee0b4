import {cmp, InterruptedError, type CaptureInfo} from '@fm/model'
import {closedAccess, hostPolicyFiles, hostPolicyOf, type ClosedAccess, policyContext, policyFileNames, policyHead, readmeHead, readmeHostRow, readmeHostSection, type BuildPolicyOptions, type PolicyFormat, type PolicyMode} from '@fm/policy'
import {SortedSpill} from '@fm/store'
import {withInterrupt} from './flags.js'
import {transportPorts} from './policy-access.js'
import {PolicyDirWriter} from './policy-dir.js'
import type {Progress} from './progress.js'
import {readObservation} from './read-observation.js'
import {ServerHostSpill} from './server-host-spill.js'

export interface WritePolicyOptions extends Omit<BuildPolicyOptions, 'listening' | 'peers'> {
  out: string
  format: PolicyFormat
  states?: string[] | 'any'
  /** Drawn while the inputs are read, done once they are. */
  progress?: Progress
}

/** What fm policy wrote: per host (in name order) what it opened, and every file name. */
export interface WrittenPolicy {
  mode: PolicyMode
  snapshots: number
  files: string[]
  hosts: {host: string; opened: string[]; clients: number; dropped: number}[]
  /** Listeners of remote access (sshd, the capture's own ssh port) the policy closes, by host then port. */
  closedAccess: ClosedAccess[]
}

/** Where writePolicyHosts puts a policy folder's files (a PolicyDirWriter): whole, or opened and appended to. */
export interface PolicyFolderSink {
  add(name: string, text: string): void
  open(name: string): void
  append(text: string): void
}

/**
 * fm policy at any size: the observation's entries and listeners are set aside by server host
 * (ServerHostSpill), then each host's policy is built and written one host at a time
 * (writePolicyHosts). Writes what buildPolicy + policyFiles would.
 */
export async function writePolicy(inputs: string[], opts: WritePolicyOptions): Promise<WrittenPolicy> {
  const spill = new ServerHostSpill()
  try {
    const captures = await readObservation(inputs, {states: opts.states, onProgress: opts.progress, onEntry: (e) => spill.addEntry(e), onHostListening: (h) => spill.addListening(h), onServedPeer: (p) => spill.addPeer(p)})
    opts.progress?.done()
    const dir = new PolicyDirWriter(opts.out)
    try {
      // Ctrl-C while hosts are written: the partial folder is removed, and DIR left as it was
      const accessPorts = await transportPorts(inputs)
      const written = await withInterrupt((signal) => writePolicyHosts(spill, captures, {...opts, accessPorts}, dir, signal))
      dir.commit()
      return written
    } catch (e) {
      dir.abort()
      throw e
    }
  } finally {
    spill.close()
  }
}

/**
 * Each host's policy built (hostPolicyOf) from its spilled entries and its files written, one host
 * at a time, README.md's rows and sections set aside (a SortedSpill) until every host is done, then
 * written in host name order. Memory holds one host's entries and rules, and a line per host.
 * `signal` raised: InterruptedError.
 */
export async function writePolicyHosts(
  spill: ServerHostSpill,
  captures: CaptureInfo[],
  opts: Omit<BuildPolicyOptions, 'listening' | 'peers'> & {format: PolicyFormat; accessPorts?: number[]},
  dir: PolicyFolderSink,
  signal?: AbortSignal,
): Promise<WrittenPolicy> {
  const ctx = policyContext(opts)
  const head = policyHead(captures, ctx)
  const fileOf = (host: string): string[] => policyFileNames(host, opts.format)
  const readme = new SortedSpill()
  try {
    const files: string[] = []
    const hosts: {rank: number; host: WrittenPolicy['hosts'][number]; closed: ClosedAccess[]}[] = []
    let n = 0
    for (const {host, rank, entries, listening, peers} of spill.hosts()) {
      // now and then a turn of the event loop, where Ctrl-C is heard
      if (++n % 256 === 0) await new Promise((resolve) => setImmediate(resolve))
      if (signal?.aborted) throw new InterruptedError()
      const h = hostPolicyOf(host, entries, listening, ctx, peers)
      if (!h) continue
      for (const f of hostPolicyFiles(h, opts.format)) {
        dir.add(f.name, f.text)
        files.push(f.name)
      }
      // the hosts table first, then the sections, each in host name order; as JSON, which keeps
      // a lone surrogate as it is (SQLite's UTF-8 would not)
      readme.add('row', '', '', '', '', rank, JSON.stringify(readmeHostRow(h, fileOf)))
      readme.add('section', '', '', '', '', rank, JSON.stringify(readmeHostSection(h, head, fileOf)))
      hosts.push({rank, host: {host, opened: h.services.map((s) => `${s.protocol}/${s.port}`), clients: h.rules.reduce((n, r) => n + r.sources.length, 0), dropped: h.unallowed.length}, closed: closedAccess(h, opts.accessPorts)})
    }
    dir.open('README.md')
    dir.append(readmeHead(head, opts.format))
    for (const text of readme.sorted()) dir.append(JSON.parse(text) as string)
    return {
      mode: head.mode,
      snapshots: head.snapshots,
      files: [...files.sort(cmp), 'README.md'],
      hosts: hosts.sort((a, b) => a.rank - b.rank).map((h) => h.host),
      closedAccess: hosts.flatMap((h) => h.closed),
    }
  } finally {
    readme.close()
  }
}
