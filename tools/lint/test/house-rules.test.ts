import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {undeclaredWorkspaceImports} from '../src/workspace-deps.js'

// `npm run lint`'s checks fail on what they are meant to catch: the import rules
// (.dependency-cruiser.cjs) and the dependency check (knip.jsonc) run, with the repo's own
// configuration, on a small made-up workspace holding one violation per file; and every test,
// tool and benchmark file is inside a tsconfig that the type check runs.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const work = mkdtempSync(join(tmpdir(), 'fm-house-rules-'))
afterAll(() => rmSync(work, {recursive: true, force: true}))

/** A folder with these files and node_modules/<name> linked to the repo's copy of each module, or to `links[name]` inside it. */
function workspace(name: string, files: Record<string, string>, modules: string[], links: Record<string, string> = {}): string {
  const dir = join(work, name)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), {recursive: true})
    writeFileSync(join(dir, path), text)
  }
  for (const m of modules) {
    mkdirSync(dirname(join(dir, 'node_modules', m)), {recursive: true})
    symlinkSync(links[m] ? join(dir, links[m]) : join(ROOT, 'node_modules', m), join(dir, 'node_modules', m))
  }
  return dir
}

const run = (cwd: string, bin: string, args: string[]): {stdout: string; stderr: string; status: number} => {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', bin), ...args], {cwd, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})
  return {stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1}
}

describe('the import rules (dependency-cruiser)', () => {
  // file -> its text and the rules it breaks
  const cases: Record<string, [string, string[]]> = {
    'packages/model/src/reads-file.ts': ["import {readFileSync} from 'node:fs'\nexport const f = readFileSync\n", ['pure-layer-no-io-core']],
    'packages/match/src/spawns.ts': ["import {spawn} from 'node:child_process'\nexport const s = spawn\n", ['pure-layer-no-io-core']],
    'packages/match/src/opens-db.ts': ["import Database from 'better-sqlite3'\nexport const d = Database\n", ['pure-layer-no-io-package']],
    'packages/render/src/uses-store.ts': ["import {x} from '../../store/src/store.js'\nexport const y = x\n", ['no-relative-import-across-projects', 'pure-layer-no-io-package']],
    'packages/match/src/pure.ts': ["import {isIP} from 'node:net'\nimport {createHash} from 'node:crypto'\nexport const p = [isIP, createHash]\n", []],
    'packages/store/src/store.ts': ["import {helper} from '../test/helper.js'\nexport const x = helper\n", ['no-src-to-test']],
    'packages/store/src/undeclared.ts': ["import chain from 'stream-chain'\nexport const c = chain\n", ['no-undeclared-dependency']],
    'packages/store/src/dev-only.ts': ["import {test} from 'vitest'\nexport const t = test\n", ['no-dev-dependency-in-src']],
    'packages/store/test/helper.ts': ['export const helper = 1\n', []],
    'packages/store/test/deep.test.ts': ["import {canonicalAddress} from '@fm/model/src/address.js'\nexport const c = canonicalAddress\n", ['no-deep-import']],
    'packages/store/test/uses-gen.test.ts': ["import {generate} from '../../../tools/gen/src/generate.js'\nexport const g = generate\n", ['no-relative-import-across-projects']],
    'packages/store/test/uses-lab.test.ts': ["import {withLab} from '@fm/lab'\nexport const w = withLab\n", []],
    'packages/store/test/own.test.ts': ["import {x} from '../src/store.js'\nimport dump from '../../../fixtures/dump.json' with {type: 'json'}\nexport const y = [x, dump]\n", []],
    'tools/bench/src/main.ts': ["import {generate} from '../../gen/src/generate.js'\nexport const g = generate\n", ['no-relative-import-across-projects']],
    'tools/gen/src/generate.ts': ['export const generate = 1\n', []],
    'tools/lab/src/index.ts': ['export const withLab = 1\n', []],
  }
  const dir = workspace('imports', {
    ...Object.fromEntries(Object.entries(cases).map(([path, [text]]) => [path, text])),
    'fixtures/dump.json': '[]\n',
    'tools/lab/package.json': JSON.stringify({name: '@fm/lab', private: true, type: 'module', exports: {'.': './src/index.ts'}}),
    'package.json': JSON.stringify({name: 'probe', private: true, type: 'module', workspaces: ['tools/lab'], dependencies: {'better-sqlite3': '*', '@fm/model': '*', '@fm/lab': '*'}, devDependencies: {vitest: '*'}}),
    'tsconfig.base.json': readFileSync(join(ROOT, 'tsconfig.base.json'), 'utf8'),
  }, ['better-sqlite3', 'stream-chain', 'vitest', '@fm/lab'], {'@fm/lab': 'tools/lab'})
  let r: ReturnType<typeof run>
  let violations: {from: string; rule: string}[]
  beforeAll(() => {
    // what `npm run lint` prints: one line `error <rule>: <from> → <to>` per violation
    r = run(dir, 'dependency-cruiser/bin/dependency-cruise.mjs', ['packages', 'tools', '--config', join(ROOT, '.dependency-cruiser.cjs')])
    violations = [...r.stdout.matchAll(/^ +error ([\w-]+): (\S+) → /gm)].map((m) => ({rule: m[1], from: m[2]}))
    if (!violations.length) throw new Error(`depcruise found nothing: ${r.stdout}${r.stderr}`)
  })

  test('exits non-zero on a violation', () => {
    expect(r.status).not.toBe(0)
  })
  test.for(Object.entries(cases))('%s', ([path, [, rules]]) => {
    expect(violations.filter((v) => v.from === path).map((v) => v.rule).sort()).toEqual(rules)
  })
})

describe('the dependency check (knip)', () => {
  test('fails on an unused and an unlisted dependency, naming them', () => {
    const dir = workspace('deps', {
      'package.json': JSON.stringify({name: 'probe', private: true, type: 'module', main: 'src/index.ts', dependencies: {yaml: '*', ws: '*'}}),
      'src/index.ts': "import {WebSocket} from 'ws'\nimport chain from 'stream-chain'\nexport const w = [WebSocket, chain]\n",
      'knip.jsonc': readFileSync(join(ROOT, 'knip.jsonc'), 'utf8'),
    }, ['yaml', 'ws', 'stream-chain'])
    const r = run(dir, 'knip/bin/knip.js', ['--dependencies', '--no-progress', '--no-config-hints'])
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(/Unused dependencies \(1\)\s+yaml\b/)
    expect(r.stdout).toMatch(/Unlisted dependencies \(1\)\s+stream-chain\b/)
    expect(r.stdout).not.toMatch(/\bws\b/)
  })
})

describe('the workspace imports check', () => {
  test('names each import of a workspace package its project does not declare, and passes the declared ones', () => {
    const pkg = (name: string, deps: object = {}, dev: object = {}): string => JSON.stringify({name, private: true, type: 'module', dependencies: deps, devDependencies: dev})
    const dir = workspace('workspace-deps', {
      'package.json': JSON.stringify({name: 'probe', private: true, workspaces: ['packages/*', 'tools/gen'], devDependencies: {'@fm/gen': '*', '@fm/b': '*'}}),
      'packages/a/package.json': pkg('@fm/a', {'@fm/model': '*'}, {'@fm/gen': '*'}),
      'packages/a/src/index.ts': "import {m} from '@fm/model'\nexport {a} from './a.js'\nexport const x = m\n",
      'packages/a/src/a.ts': "import type {B} from '@fm/b'\nimport {g} from '@fm/gen'\nexport const a = [g] as B[]\n",
      'packages/a/test/a.test.ts': "import {g} from '@fm/gen'\nimport {a} from '@fm/a'\nconst b = await import('@fm/b')\nvi.mock('@fm/c')\nexport const t = [g, a, b]\n",
      'packages/b/package.json': pkg('@fm/b'),
      'packages/b/src/index.ts': 'export type B = unknown\n',
      'packages/c/package.json': pkg('@fm/c'),
      'packages/model/package.json': pkg('@fm/model'),
      'tools/gen/package.json': pkg('@fm/gen'),
      'tools/gen/src/index.ts': "// '@fm/x' in a comment that names no workspace package\nexport const g = 1\n",
    }, [])
    expect(undeclaredWorkspaceImports(dir).map((l) => l.replace(/, which .*/, ''))).toEqual([
      // src: a devDependency is not enough; tests: the root's devDependencies are not the project's
      'packages/a/src/a.ts:1: imports @fm/b',
      'packages/a/src/a.ts:2: imports @fm/gen',
      'packages/a/test/a.test.ts:3: imports @fm/b',
      'packages/a/test/a.test.ts:4: imports @fm/c',
    ])
  })

  test("passes on this repository's own projects", () => {
    expect(undeclaredWorkspaceImports(ROOT)).toEqual([])
  })
})

describe('the type check', () => {
  const projects = ['packages', 'apps', 'tools'].flatMap((d) => readdirSync(join(ROOT, d), {withFileTypes: true}).filter((e) => e.isDirectory()).map((e) => `${d}/${e.name}`))
  const tools = JSON.parse(readFileSync(join(ROOT, 'tools/tsconfig.json'), 'utf8')) as {include: string[]}
  test.for(projects)('%s: its tests, tools and benchmarks are type-checked', (project) => {
    const folders = readdirSync(join(ROOT, project)).filter((f) => ['test', 'bench', 'src'].includes(f))
    if (existsSync(join(ROOT, project, 'package.json'))) {
      // a workspace project: nx's typecheck target runs its tsconfig.test.json (test/ and bench/)
      if (folders.some((f) => f !== 'src')) expect(existsSync(join(ROOT, project, 'tsconfig.test.json'))).toBe(true)
    } else {
      // a folder of tools/ that is no workspace project: in tools/tsconfig.json, or its own tsconfig.json
      const name = project.slice('tools/'.length)
      expect(tools.include.includes(`${name}/**/*.ts`) || existsSync(join(ROOT, project, 'tsconfig.json'))).toBe(true)
    }
  })
})
