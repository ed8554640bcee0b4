// `npm run package`: writes the release artefacts into release/ (see README "Shipping fm"):
//   fm-<version>.tgz  the whole CLI as one npm package, every runtime dependency inside it
//   fm-capture        `fm capture` as a Node single executable application (nothing needed on the host)
//   SHA256SUMS        checksums of both, for `sha256sum -c`
// Run after a build (the npm script builds first).
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {dirname, join, relative, sep} from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const RELEASE = join(ROOT, 'release')
const APP = join(ROOT, 'apps/fm')
/** Node's fuse for single executable applications (from Node's documentation; fixed for Node 20). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'

interface Pkg {
  name: string
  version: string
  description?: string
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, {optional?: boolean}>
  exports?: {'.': {default: string}}
  files?: string[]
  scripts?: Record<string, string>
  oclif?: unknown
  engines?: Record<string, string>
  [k: string]: unknown
}

const readPkg = (dir: string): Pkg => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Pkg

function main(): void {
  const only = process.argv[2] // 'tarball' | 'capture' | undefined (both)
  const app = readPkg(APP)
  if (!existsSync(join(APP, 'dist/commands')) || !existsSync(join(APP, 'oclif.manifest.json'))) throw new Error('apps/fm is not built: run `npm run build` first')
  mkdirSync(RELEASE, {recursive: true})
  if (only !== 'capture') packTarball(app)
  if (only !== 'tarball') buildCaptureExecutable(app)
  writeChecksums(app)
}

/** The native addon's platform and ABI, recorded in the package and checked by its bin before anything loads. */
function nativeTarget(): {platform: string; arch: string; modules: string; node: string} {
  return {platform: process.platform, arch: process.arch, modules: process.versions.modules, node: process.version}
}

/**
 * Stages the CLI with real copies of everything it runs: the @fm/* packages go under lib/
 * (imports rewritten to relative paths, so no @fm/* name is left for npm to resolve from a
 * registry), third-party packages under node_modules/ as bundleDependencies; then npm pack.
 */
function packTarball(app: Pkg): void {
  const stage = join(RELEASE, '.stage')
  rmSync(stage, {recursive: true, force: true})
  mkdirSync(stage, {recursive: true})
  const notBuilt = (src: string): boolean => !/\.(d\.ts|d\.ts\.map|js\.map|tsbuildinfo)$/.test(src)
  cpSync(join(APP, 'dist'), join(stage, 'dist'), {recursive: true, filter: notBuilt})
  copyFileSync(join(APP, 'oclif.manifest.json'), join(stage, 'oclif.manifest.json'))

  // the workspace packages the CLI reaches, and the third-party packages they name
  const workspace = new Map<string, string>() // @fm/name -> its folder in the repo
  const thirdParty = new Map<string, string>() // name -> version, direct dependencies of any @fm package
  const visit = (dir: string): void => {
    for (const [name, range] of Object.entries(readPkg(dir).dependencies ?? {})) {
      if (name.startsWith('@fm/')) {
        if (workspace.has(name)) continue
        const folder = realpathSync(join(ROOT, 'node_modules', name))
        workspace.set(name, folder)
        visit(folder)
      } else thirdParty.set(name, readPkg(resolvePackage(name, dir)).version ?? range)
    }
  }
  visit(APP)
  for (const [name, folder] of workspace) {
    const pkg = readPkg(folder)
    const to = join(stage, 'lib', name.slice('@fm/'.length))
    mkdirSync(to, {recursive: true})
    for (const f of pkg.files ?? ['dist']) cpSync(join(folder, f), join(to, f), {recursive: true, filter: notBuilt})
    writeFileSync(join(to, 'package.json'), JSON.stringify({name: pkg.name, version: pkg.version, private: true, type: 'module', exports: pkg.exports}, null, 2) + '\n')
  }
  rewriteWorkspaceImports(stage, workspace)

  // third-party packages, each at the same place under node_modules as in the repo
  const copied = new Set<string>()
  const copy = (name: string, from: string): void => {
    const dir = resolvePackage(name, from)
    if (copied.has(dir)) return
    copied.add(dir)
    const rel = relative(ROOT, dir)
    cpSync(dir, join(stage, rel), {recursive: true, dereference: true, filter: (src) => !relative(dir, src).split(sep).includes('node_modules')})
    const pkg = readPkg(dir)
    const optional = pkg.peerDependenciesMeta ?? {}
    const wanted = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}).filter((p) => !optional[p]?.optional)]
    for (const d of wanted) copy(d, dir)
    for (const d of Object.keys(pkg.optionalDependencies ?? {})) if (tryResolvePackage(d, dir)) copy(d, dir)
  }
  for (const name of thirdParty.keys()) copy(name, APP)
  prepareNativeAddon(join(stage, 'node_modules/better-sqlite3'))

  writeFileSync(join(stage, 'package.json'), JSON.stringify({
    name: 'fm',
    version: app.version,
    description: app.description,
    type: 'module',
    license: 'UNLICENSED',
    bin: {fm: './bin/run.js'},
    // the native addon (better-sqlite3) is built for one Node ABI: npm warns on another Node
    engines: {node: `^${process.versions.node.split('.')[0]}.0.0`},
    os: [process.platform],
    cpu: [process.arch],
    files: ['bin', 'dist', 'lib', 'oclif.manifest.json'],
    dependencies: Object.fromEntries([...thirdParty].sort()),
    bundleDependencies: [...thirdParty.keys()].sort(),
    oclif: app.oclif,
    fm: {native: nativeTarget()},
  }, null, 2) + '\n')
  mkdirSync(join(stage, 'bin'))
  writeFileSync(join(stage, 'bin/run.js'), binScript())
  chmodSync(join(stage, 'bin/run.js'), 0o755)

  const tgz = `fm-${app.version}.tgz`
  rmSync(join(RELEASE, tgz), {force: true})
  execFileSync('npm', ['pack', '--ignore-scripts', '--loglevel=warn', '--pack-destination', RELEASE], {cwd: stage, stdio: ['ignore', 'ignore', 'inherit']})
  rmSync(stage, {recursive: true, force: true})
  console.log(`release/${tgz}: ${mb(join(RELEASE, tgz))} MB, ${workspace.size} fm packages and ${copied.size} third-party packages inside, native addon for ${process.platform}-${process.arch} Node ABI ${process.versions.modules}`)
}

/** Points every `@fm/name` import of the staged JavaScript at lib/name, relative to the importing file. */
function rewriteWorkspaceImports(stage: string, workspace: Map<string, string>): void {
  const entry = new Map([...workspace].map(([name, folder]) => [name, join(stage, 'lib', name.slice(4), readPkg(folder).exports?.['.'].default ?? 'dist/index.js')]))
  for (const file of walk(stage)) {
    if (!file.endsWith('.js')) continue
    const text = readFileSync(file, 'utf8')
    const out = text.replace(/((?:\bfrom|\bimport)\s*\(?\s*)(['"])(@fm\/[a-z0-9-]+)\2/g, (_all, lead: string, q: string, name: string) => {
      const target = entry.get(name)
      if (!target) throw new Error(`${relative(stage, file)} imports ${name}, which is not a dependency of the CLI`)
      let rel = relative(dirname(file), target).split(sep).join('/')
      if (!rel.startsWith('.')) rel = `./${rel}`
      return `${lead}${q}${rel}${q}`
    })
    if (/(['"])@fm\/[a-z0-9-]+\1/.test(out.replace(/\/\/.*$/gm, ''))) throw new Error(`${relative(stage, file)} still names an @fm package after rewriting its imports`)
    if (out !== text) writeFileSync(file, out)
  }
}

/**
 * better-sqlite3 is compiled at install time in the repo: keep its built addon (its `files`
 * leave build/ out) and drop its install script, so installing the package never compiles
 * nor downloads anything.
 */
function prepareNativeAddon(dir: string): void {
  const addon = join(dir, 'build/Release/better_sqlite3.node')
  if (!existsSync(addon)) throw new Error('better-sqlite3 has no built addon (build/Release/better_sqlite3.node): run npm ci')
  for (const f of ['deps', 'src', 'binding.gyp']) rmSync(join(dir, f), {recursive: true, force: true})
  for (const f of readdirSync(join(dir, 'build'))) if (f !== 'Release') rmSync(join(dir, 'build', f), {recursive: true, force: true})
  for (const f of readdirSync(join(dir, 'build/Release'))) if (f !== 'better_sqlite3.node') rmSync(join(dir, 'build/Release', f), {recursive: true, force: true})
  const pkg = readPkg(dir)
  pkg.files = ['lib/**', 'build/Release/better_sqlite3.node']
  delete pkg.scripts
  delete pkg.gypfile
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n')
}

/**
 * `fm capture` bundled into one CommonJS script (esbuild), blobbed by Node and injected into a
 * copy of this Node binary (postject). Nothing else is needed on the host.
 */
function buildCaptureExecutable(app: Pkg): void {
  const work = join(RELEASE, '.sea')
  rmSync(work, {recursive: true, force: true})
  mkdirSync(work, {recursive: true})
  const script = join(work, 'fm-capture.cjs')
  const bin = (name: string): string => join(ROOT, 'node_modules/.bin', name)
  execFileSync(bin('esbuild'), [
    join(APP, 'dist/single/capture.js'),
    '--bundle', '--platform=node', '--format=cjs', `--target=node${process.versions.node.split('.')[0]}`, '--log-level=error',
    `--define:FM_VERSION=${JSON.stringify(app.version)}`,
    // the collector script is a file beside @fm/collect's code: the executable carries its text
    `--define:FM_COLLECTOR_SCRIPT=${JSON.stringify(readFileSync(join(ROOT, 'packages/collect/collector/fm-collect.sh'), 'utf8'))}`,
    // reached only through imports the capture never calls (the report's renderers, oclif's TypeScript loader)
    ...['@resvg/resvg-js', '@hpcc-js/wasm-graphviz', 'better-sqlite3', 'jsdom', 'typescript'].map((m) => `--external:${m}`),
    // the embedded require() loads only built-in modules and warns on any other name, even when
    // a library merely probes for an optional one (fdir probes picomatch): use a real one
    '--banner:js=var require = require("node:module").createRequire(process.execPath);',
    `--outfile=${script}`,
  ], {stdio: 'inherit'})
  const bundle = readFileSync(script, 'utf8')
  for (const m of ['@resvg/resvg-js', '@hpcc-js/wasm-graphviz', 'better-sqlite3', 'jsdom']) {
    if (bundle.includes(`require("${m}")`)) throw new Error(`fm capture's bundle requires ${m}: the single executable cannot load it`)
  }
  writeFileSync(join(work, 'sea-config.json'), JSON.stringify({main: script, output: join(work, 'sea.blob'), disableExperimentalSEAWarning: true}))
  execFileSync(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')], {stdio: 'ignore'})
  const out = join(RELEASE, 'fm-capture')
  rmSync(out, {force: true})
  copyFileSync(process.execPath, out)
  chmodSync(out, 0o755)
  execFileSync(bin('postject'), [out, 'NODE_SEA_BLOB', join(work, 'sea.blob'), '--sentinel-fuse', SEA_FUSE], {stdio: 'ignore'})
  rmSync(work, {recursive: true, force: true})
  console.log(`release/fm-capture: ${mb(out)} MB (Node ${process.version} with fm capture ${app.version} inside, ${process.platform}-${process.arch})`)
}

function writeChecksums(app: Pkg): void {
  const names = [`fm-${app.version}.tgz`, 'fm-capture'].filter((n) => existsSync(join(RELEASE, n)))
  const lines = names.map((n) => `${createHash('sha256').update(readFileSync(join(RELEASE, n))).digest('hex')}  ${n}\n`)
  writeFileSync(join(RELEASE, 'SHA256SUMS'), lines.join(''))
  console.log(`release/SHA256SUMS: ${names.join(', ')} (check with: cd release && sha256sum -c SHA256SUMS)`)
}

function resolvePackage(name: string, from: string): string {
  const dir = tryResolvePackage(name, from)
  if (!dir) throw new Error(`cannot find ${name} from ${relative(ROOT, from) || '.'}: run npm ci`)
  return dir
}

/** Node's lookup: `node_modules/name` in `from` and each folder above it, within the repo. */
function tryResolvePackage(name: string, from: string): string | null {
  for (let dir = from; dir.startsWith(ROOT.replace(/\/$/, '')); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate).startsWith(ROOT) ? candidate : null
    if (dir === dirname(dir)) break
  }
  return null
}

function* walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir, {withFileTypes: true})) {
    if (e.name === 'node_modules') continue
    const p = join(dir, e.name)
    if (e.isDirectory()) yield* walk(p)
    else yield p
  }
}

const mb = (file: string): string => (statSync(file).size / 1e6).toFixed(1)

/**
 * The installed package's bin: the repo's bin/run.js, after a check that refuses another
 * platform or Node ABI than its native addon's, in one line. (Static imports are evaluated
 * first; none of them loads the addon.)
 */
function binScript(): string {
  const original = readFileSync(join(APP, 'bin/run.js'), 'utf8').replace(/^#!.*\n/, '')
  return `#!/usr/bin/env node
import {readFileSync as readPackageJson} from 'node:fs'

const want = JSON.parse(readPackageJson(new URL('../package.json', import.meta.url), 'utf8')).fm.native
const here = {platform: process.platform, arch: process.arch, modules: process.versions.modules}
if (want.platform !== here.platform || want.arch !== here.arch || want.modules !== here.modules) {
  process.stderr.write(\`Error: this fm package was built for \${want.platform}-\${want.arch} and Node ABI \${want.modules} (Node \${want.node}); this is \${here.platform}-\${here.arch}, Node \${process.version} (ABI \${here.modules}).\\n  Try: run it with Node \${want.node.replace(/\\..*/, '')} on \${want.platform}-\${want.arch}, or build a package on this machine with npm run package.\\n\`)
  process.exit(2)
}
// an installed package has no TypeScript sources: oclif must not look for them (it would under
// NODE_ENV=development or test); the same settings object oclif reads, whichever loads first
globalThis.oclif = globalThis.oclif ?? {}
globalThis.oclif.enableAutoTranspile = false

${original}`
}

main()
