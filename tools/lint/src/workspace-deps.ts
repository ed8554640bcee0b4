// npm run lint:workspace-deps [-- DIR]
// Every workspace package (@fm/<name>) a project's file imports is declared in that project's own
// package.json: `dependencies` for shipped code (src/), `dependencies` or `devDependencies` for its
// tests, benches and configs. dependency-cruiser and knip count the root package.json's
// dependencies for every project (the root declares @fm/gen and others for tools/bench), so they
// cannot see a test importing a workspace package its project never declared: nx then builds
// and tests the projects in the wrong order, and `nx affected` misses the test.
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'

interface Project {
  dir: string
  name: string
  dependencies: Set<string>
  devDependencies: Set<string>
}

/** The workspace projects listed by the root package.json (globs of the form `folder/*` or a folder). */
export function workspaceProjects(root: string): Project[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {workspaces?: string[]}
  const dirs = (pkg.workspaces ?? []).flatMap((w) =>
    w.endsWith('/*') ? readdirSync(join(root, w.slice(0, -2))).map((d) => join(w.slice(0, -2), d)) : [w],
  )
  return dirs
    .filter((d) => statSync(join(root, d, 'package.json'), {throwIfNoEntry: false})?.isFile())
    .map((dir) => {
      const p = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {name: string; dependencies?: object; devDependencies?: object}
      return {dir, name: p.name, dependencies: new Set(Object.keys(p.dependencies ?? {})), devDependencies: new Set(Object.keys(p.devDependencies ?? {}))}
    })
}

const SKIP = new Set(['node_modules', 'dist', 'out-tsc', 'coverage'])
const SOURCE = /\.(ts|mts|cts|mjs|cjs|js)$/

function* sourceFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, {withFileTypes: true})) {
    if (SKIP.has(e.name)) continue
    const path = join(dir, e.name)
    if (e.isDirectory()) yield* sourceFiles(path)
    else if (SOURCE.test(e.name) && !e.name.endsWith('.d.ts')) yield path
  }
}

// import/export … from '@fm/x', import '@fm/x', import('@fm/x'), vi.mock('@fm/x'), require('@fm/x')
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\b(?:require|mock|importActual)\s*\(\s*)['"](@fm\/[^'"/]+)/g

/** One line per import of an undeclared workspace package: `file: @fm/x is not in package.json's dependencies`. */
export function undeclaredWorkspaceImports(root: string): string[] {
  const projects = workspaceProjects(root)
  const names = new Set(projects.map((p) => p.name))
  const problems: string[] = []
  for (const p of projects) {
    for (const file of sourceFiles(join(root, p.dir))) {
      const shipped = relative(join(root, p.dir), file).startsWith('src/')
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(SPECIFIER)) {
        const dep = m[1]
        if (dep === p.name || !names.has(dep)) continue
        if (p.dependencies.has(dep)) continue
        if (!shipped && p.devDependencies.has(dep)) continue
        const where = `${relative(root, file)}:${text.slice(0, m.index).split('\n').length}`
        problems.push(`${where}: imports ${dep}, which ${p.dir}/package.json does not declare in ${shipped ? 'dependencies' : 'dependencies or devDependencies'}`)
      }
    }
  }
  return problems
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2] ?? process.cwd()
  const problems = undeclaredWorkspaceImports(root)
  for (const line of problems) process.stderr.write(`${line}\n`)
  if (problems.length) {
    process.stderr.write(`${problems.length} undeclared workspace import(s): add each package to the project's package.json, then npm install\n`)
    process.exitCode = 1
  } else process.stdout.write('workspace imports: every @fm/ package imported is declared by its project\n')
}
