import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import {collectorScript} from '@fm/collect'
import Capture from '../src/commands/capture.js'
import {runCommand} from './helpers/run-command.js'

const dir = mkdtempSync(join(tmpdir(), 'fm-collect-cmd-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
let n = 0
const fresh = (): string => join(dir, `out-${++n}`)
const leftovers = (): string[] => readdirSync(dir).filter((f) => f.startsWith('.'))

// `env {host}` runs the collector on this machine with no ssh and no root: a host `A=1` is an
// environment assignment (collected), a host `nosuch` a command env cannot find (a failure).
const local = ['--ssh-command', 'env {host}', '--namespaces', 'own']
const withTemplate = (args: string[]): string[] => (args.includes('--ssh-command') ? ['--namespaces', 'own', ...args] : [...local, ...args])

describe('fm capture --print-collector', () => {
  test('prints the shipped collector: valid POSIX sh that writes the bundle format', async () => {
    const r = await runCommand(Capture, ['--print-collector'])
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toBe(collectorScript())
    expect(spawnSync('sh', ['-n'], {input: r.stdout}).status).toBe(0)
    const bundle = spawnSync('sh', ['-s', '--', 'own'], {input: r.stdout, encoding: 'utf8'})
    expect(bundle.stdout.split('\n')[0]).toBe('#fm-collect 1')
    expect(bundle.stdout.trimEnd().endsWith('@end')).toBe(true)
  })
})

describe('fm capture --ssh', () => {
  test('collects through any transport template and writes a capture fm analyze reads', async () => {
    const out = fresh()
    const r = await runCommand(Capture, ['--ssh', 'A=1,B=2', ...local, '--out', out, '--json'])
    expect(r.exitCode, r.stderr).toBe(0)
    const m = JSON.parse(r.stdout)
    expect(m.collect.hosts.map((h: {host: string; status: string}) => `${h.host} ${h.status}`)).toEqual(['A=1 ok', 'B=2 ok'])
    expect(m.counts.hosts).toBe(2)
    expect(m.collect.transport).toBe('env {host}')
    expect(readdirSync(join(out, 'snapshot-1')).sort()).toEqual(['host-0001.bundle.txt', 'host-0001.json', 'host-0002.bundle.txt', 'host-0002.json'])
  })

  test('a secret in the template is recorded and shown as ***, never as itself', async () => {
    const out = fresh()
    // env runs `PASSWORD=hunter2 nosuch-… ` for the failing host: the secret reaches the transport
    const r = await runCommand(Capture, ['--ssh', 'A=1,nosuch-command-fm', '--namespaces', 'own', '--ssh-command', 'env SSH_PASSWORD=hunter2 {host}', '--out', out, '--json'])
    expect(r.exitCode, r.stderr).toBe(4)
    expect(r.stderr + r.stdout).not.toContain('hunter2')
    const manifest = readFileSync(join(out, 'manifest.json'), 'utf8')
    expect(manifest).not.toContain('hunter2')
    expect(JSON.parse(manifest).collect.transport).toBe('env SSH_PASSWORD=*** {host}')
  })

  test.for<{name: string; args: string[]; exit: number; message: RegExp}>([
    {name: 'one host failing', args: ['--ssh', 'A=1,nosuch-command-fm'], exit: 4, message: /1 of 2 hosts could not be collected \(nosuch-command-fm: exit 127: .*No such file or directory/},
    {name: 'every host failing', args: ['--ssh', 'nosuch-a,nosuch-b'], exit: 3, message: /no host could be collected \(nosuch-a: exit 127/},
    {name: 'a host over its time', args: ['--ssh', 'A=1', '--ssh-command', "sh -c 'exec sleep 30' {host}", '--host-timeout', '1'], exit: 3, message: /A=1: timed out after 1 s/},
    {name: 'a transport that prints something else', args: ['--ssh', 'A=1', '--ssh-command', 'echo {host}'], exit: 3, message: /A=1: the collector's output is not a bundle: line 1/},
    {name: 'a host that reads as an option', args: ['--ssh', 'a,-oProxyCommand=x'], exit: 2, message: /host "-oProxyCommand=x" starts with "-"/},
    {name: 'a host listed twice', args: ['--ssh', 'a, a'], exit: 2, message: /host a is listed twice/},
    {name: 'a template without {host}', args: ['--ssh', 'a', '--ssh-command', 'ssh'], exit: 2, message: /has no \{host\}/},
    {name: 'an unclosed quote', args: ['--ssh', 'a', '--ssh-command', "ssh -o 'x {host}"], exit: 2, message: /unclosed '/},
    {name: 'an empty host list', args: ['--ssh', ' , '], exit: 2, message: /--ssh names no host/},
    {name: 'a missing host file', args: ['--ssh', '@/nonexistent/hosts.txt'], exit: 3, message: /\/nonexistent\/hosts.txt: cannot read the host list \(ENOENT\)/},
  ])('$name: exit $exit with one clear line', async ({args, exit, message}) => {
    const out = fresh()
    const r = await runCommand(Capture, [...withTemplate(args), '--out', out])
    expect(r.exitCode).toBe(exit)
    expect(r.stderr).toMatch(message)
    expect(existsSync(out)).toBe(exit === 4)
    expect(leftovers()).toEqual([])
  })

  test('a partial capture is complete for the hosts it has, and its manifest says which failed and why', async () => {
    const out = fresh()
    const r = await runCommand(Capture, [...local, '--ssh', 'nosuch-first,A=1', '--out', out])
    expect(r.exitCode).toBe(4)
    expect(r.stdout).toContain('1 of 2 hosts collected')
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
    expect(m.collect.hosts).toMatchObject([{host: 'nosuch-first', status: 'failed', error: expect.stringMatching(/^exit 127: /)}, {host: 'A=1', status: 'ok'}])
    expect(m.snapshots[0].responses.map((x: {file: string}) => x.file)).toEqual(['snapshot-1/host-0002.json'])
  })

  test('reads @FILE with comments and blank lines', async () => {
    const list = join(dir, 'hosts.txt')
    writeFileSync(list, '# inventory\nA=1  # first\n\n  B=2\n#C=3\n')
    const out = fresh()
    const r = await runCommand(Capture, [...local, '--ssh', `@${list}`, '--out', out, '--json'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).collect.hosts.map((h: {host: string}) => h.host)).toEqual(['A=1', 'B=2'])
  })

  test('needs exactly one source: --analyzer, --ssh, --local or --print-collector', async () => {
    const r = await runCommand(Capture, ['--out', fresh()])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toMatch(/Exactly one of the following must be provided/)
    const both = await runCommand(Capture, ['--local', '--ssh', 'a', '--out', fresh()])
    expect(both.exitCode).toBe(2)
  })
})

describe('fm capture --print-collector --json', () => {
  test('wraps the script in JSON instead of printing it raw', async () => {
    const r = await runCommand(Capture, ['--print-collector', '--json'])
    expect(r.exitCode).toBe(0)
    expect(JSON.parse(r.stdout).collector).toMatch(/^#!\/bin\/sh\n/)
  })
})

describe('fm capture --parallel', () => {
  test('never runs more transports at once than asked', async () => {
    const hosts = mkdtempSync(join(tmpdir(), 'fm-parallel-'))
    try {
      // each transport marks itself running, counts the running ones, lingers, then runs the collector
      const template = `sh -c 'touch "$0.run"; ls "\${0%/*}" | grep -c "[.]run$" > "$0.count"; sleep 0.3; rm "$0.run"; exec "$@"' {host}`
      const list = Array.from({length: 5}, (_, i) => join(hosts, `h${i}`))
      const r = await runCommand(Capture, ['--ssh', list.join(','), '--ssh-command', template, '--namespaces', 'own', '--parallel', '2', '--out', fresh()])
      expect(r.exitCode, r.stderr).toBe(0)
      const counts = list.map((h) => Number(readFileSync(`${h}.count`, 'utf8')))
      expect(Math.max(...counts)).toBeLessThanOrEqual(2)
      expect(counts.every((c) => c >= 1)).toBe(true)
    } finally {
      rmSync(hosts, {recursive: true, force: true})
    }
  })
})
