import {chmodSync, cpSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import type {Command} from '@oclif/core'
import Analyze from '../src/commands/analyze.js'
import Baseline from '../src/commands/baseline.js'
import Capture from '../src/commands/capture.js'
import Check from '../src/commands/check.js'
import Diff from '../src/commands/diff.js'
import Policy from '../src/commands/policy.js'
import Redact from '../src/commands/redact.js'
import Report from '../src/commands/report.js'
import {REPO_ROOT, runCommand} from './helpers/run-command.js'
import {scratch, TWO_AGENTS} from './check-fixture.js'

const tmp = scratch('fm-outputs-')
afterAll(() => tmp.cleanup())

// every file a run may read: a dump, a capture folder, the key (and two other names of it), groups, a baseline, a policy folder
const D = tmp.file('d.json', readFileSync(TWO_AGENTS, 'utf8'))
const CAP = join(tmp.dir, 'cap')
cpSync(join(REPO_ROOT, 'fixtures/capture/two-agents'), CAP, {recursive: true})
const KEY = tmp.file('k.key', 'ab'.repeat(32) + '\n')
chmodSync(KEY, 0o600)
const KEY_LINK = join(tmp.dir, 'hard.key')
linkSync(KEY, KEY_LINK)
const KEY_SYMLINK = join(tmp.dir, 'sym.key')
symlinkSync(KEY, KEY_SYMLINK)
const GROUPS = tmp.file('groups.yaml', 'version: 1\nhosts: []\n')
const BDIR = join(tmp.dir, 'bdir')
mkdirSync(BDIR)
const BASELINE = join(BDIR, 'baseline.yaml')
writeFileSync(BASELINE, 'version: 1\nallow: []\n')
const POLICY = join(tmp.dir, 'policy')
mkdirSync(POLICY)
writeFileSync(join(POLICY, 'web.nft'), 'table inet fm {}\n')
// a folder an output would replace whole, holding a copy of an input
const HOLDER = join(tmp.dir, 'holder')
mkdirSync(HOLDER)
const HELD = join(HOLDER, 'held.json')
writeFileSync(HELD, readFileSync(TWO_AGENTS))
const NEW_KEY = join(tmp.dir, 'new.key')
const OUT = join(tmp.dir, 'out')

/** Every file under the scratch folder and its bytes (a symbolic link as its target). */
function snapshot(): Map<string, string> {
  const files = new Map<string, string>()
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, {withFileTypes: true})) {
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else files.set(relative(tmp.dir, p), readFileSync(p).toString('base64'))
    }
  }
  walk(tmp.dir)
  return files
}

type Row = [string, typeof Command, string[], RegExp]

describe('no output of any command may be one of its inputs, the key, or a file of an input folder', () => {
  test.for<Row>([
    ['redact --map the key', Redact, [D, '--key', KEY, '--out', OUT, '--map', KEY], /--map \S+k\.key is --key \S+k\.key/],
    ['redact --map the key not created yet', Redact, [D, '--key', NEW_KEY, '--out', OUT, '--map', NEW_KEY], /--map \S+new\.key is --key \S+new\.key/],
    ['redact --map a hard link of the key', Redact, [D, '--key', KEY, '--out', OUT, '--map', KEY_LINK], /--map \S+hard\.key is --key \S+k\.key/],
    ['redact --map a symbolic link to the key', Redact, [D, '--key', KEY, '--out', OUT, '--map', KEY_SYMLINK], /--map \S+sym\.key is --key/],
    ['redact --map the key through ..', Redact, [D, '--key', KEY, '--out', OUT, '--map', join(CAP, '..', 'k.key')], /--map \S+ is --key/],
    ['redact --map the dump', Redact, [D, '--key', KEY, '--out', OUT, '--map', D], /--map \S+d\.json is the input \S+d\.json/],
    ['redact --map a file of the input capture', Redact, [CAP, '--key', KEY, '--out', OUT, '--map', join(CAP, 'snapshot-1/hosts.json')], /--map \S+hosts\.json is inside the input \S+cap/],
    ['redact --out the key not created yet', Redact, [D, '--key', NEW_KEY, '--out', NEW_KEY], /--out \S+new\.key is --key/],
    ['analyze --output the key', Analyze, [D, '--redact', '--key', KEY, '--output', KEY], /--output \S+ is --key/],
    ['analyze --db the key', Analyze, [D, '--redact', '--key', KEY, '--db', KEY], /--db \S+ is --key/],
    ['analyze --output the groups', Analyze, [D, '--groups', GROUPS, '--output', GROUPS], /--output \S+ is --groups/],
    ['analyze --output the manifest of the input capture', Analyze, [CAP, '--output', join(CAP, 'manifest.json')], /--output \S+manifest\.json is inside the input/],
    ['report --out the key', Report, [D, '--redact', '--key', KEY, '--out', KEY], /--out \S+ is --key/],
    ['report --out the groups', Report, [D, '--groups', GROUPS, '--out', GROUPS], /--out \S+ is --groups/],
    ['diff --output the key', Diff, [D, D, '--redact', '--key', KEY, '--output', KEY], /--output \S+ is --key/],
    ['check --output the key', Check, ['--baseline', BASELINE, D, '--redact', '--key', KEY, '--output', KEY], /--output \S+ is --key/],
    ['check --output the groups', Check, ['--baseline', BASELINE, D, '--groups', GROUPS, '--output', GROUPS], /--output \S+ is --groups/],
    ['check --output a file of --policy', Check, ['--policy', POLICY, D, '--output', join(POLICY, 'web.nft')], /--output \S+web\.nft is inside --policy/],
    ['baseline --out the key', Baseline, [D, '--redact', '--key', KEY, '--out', KEY], /--out \S+ is --key/],
    ['baseline --out the groups', Baseline, [D, '--groups', GROUPS, '--out', GROUPS], /--out \S+ is --groups/],
    ['policy --out a folder holding the input', Policy, [HELD, '--out', HOLDER], /--out \S+holder holds the input \S+held\.json/],
    ['policy --out the folder of its baseline', Policy, [D, '--baseline', BASELINE, '--out', BDIR], /--out \S+bdir holds --baseline \S+baseline\.yaml/],
    ['policy --out the input capture', Policy, [CAP, '--out', CAP], /--out \S+cap is the input/],
    ['capture --out the --ca file', Capture, ['--analyzer', '127.0.0.1:1', '--ssl', '--ca', KEY, '--out', KEY], /--out \S+ is --ca/],
  ])('%s: exit 2, both named, nothing written', async ([, cmd, argv, message]) => {
    const before = snapshot()
    const r = await runCommand(cmd as Parameters<typeof runCommand>[0], argv)
    expect(r.stderr).toMatch(message)
    expect(r.stderr).toContain('fm never writes over what it reads')
    expect(r.exitCode).toBe(2)
    expect(snapshot()).toEqual(before)
  })

  test('a new file inside an input capture folder is no collision', async () => {
    const csv = join(CAP, 'matrix.csv')
    const r = await runCommand(Analyze, [CAP, '--output', csv])
    expect(r.exitCode).toBe(0)
    expect(statSync(csv).size).toBeGreaterThan(0)
  })
})
