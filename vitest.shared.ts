import {fileURLToPath} from 'node:url'
import {defineConfig, type ViteUserConfig} from 'vitest/config'

/** The repository root: tests name files relative to it (fixtures/..., apps/fm/bin/run.js). */
export const REPO_ROOT = fileURLToPath(new URL('.', import.meta.url))
const src = (p: string): string => fileURLToPath(new URL(`${p}/src/index.ts`, import.meta.url))

/**
 * Tests that assert a ratio of times or a memory bound (peak RSS, a child with a small heap) live in
 * files named *.bounds.test.ts (*.bounds.e2e.test.ts): they are the project "bounds", which runs
 * after every other test (the project "main") has finished, one file at a time, so no other test
 * shares the cores with them. `npm test` runs the two one after the other.
 */
const BOUNDS = '**/*.bounds.*test.ts'

/**
 * Shared by the root config (`vitest run`: every test) and each project's vitest.config.ts (what
 * nx's @nx/vitest plugin runs as the project's `test` target). Tests import workspace packages from
 * source, so a unit test never needs a build first; end-to-end tests (test/e2e/**) run the built
 * `fm` binary, so `npm test` and nx's test targets build first. The private tool packages
 * (@fm/gen, @fm/fake-analyzer, @fm/test-helpers) need no alias: their package.json exports point
 * at their .ts sources, which vite and tsx load through the workspace links in node_modules.
 */
export function fmTestConfig(root: string, include: string[]): ViteUserConfig {
  return defineConfig({
    root,
    resolve: {
      alias: [
        {find: /^@fm\/(model|ingest|store|match|analyze|render|capture|baseline|publish|collect|policy|redact)$/, replacement: fileURLToPath(new URL('packages/$1/src/index.ts', import.meta.url))},
        {find: /^@fm\/report$/, replacement: src('apps/report')},
        {find: /^@fm\/lab$/, replacement: src('tools/lab')},
      ],
    },
    test: {
      projects: [
        {extends: true, test: {name: 'main', include, exclude: ['**/node_modules/**', '**/dist/**', BOUNDS]}},
        {extends: true, test: {name: 'bounds', include: include.map((p) => p.replace(/\*\.test\.ts$/, '*.bounds.*test.ts')), sequence: {groupOrder: 1}, fileParallelism: false, maxWorkers: 1}},
      ],
      // generous: the heaviest tests (generated deployments, publish end to end) take ~30 s on a loaded 2-core CI machine
      testTimeout: 180_000,
      hookTimeout: 120_000,
      pool: 'forks',
      maxWorkers: 2,
      // command tests capture oclif's this.log (console.log) through @oclif/test, which sees only process.stdout
      disableConsoleIntercept: true,
    },
  })
}

/**
 * A project's own tests (`nx test @fm/<name>`, `nx affected -t test`). nx runs them from the
 * project's folder; they run from the repository root, as under `npm test`, so their relative
 * file names mean the same (the test workers inherit this working directory).
 */
export function projectTestConfig(configUrl: string): ViteUserConfig {
  process.chdir(REPO_ROOT)
  return fmTestConfig(fileURLToPath(new URL('.', configUrl)), ['test/**/*.test.ts'])
}
