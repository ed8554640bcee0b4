import {fileURLToPath} from 'node:url'
import {defineConfig} from 'vitest/config'

const src = (p: string): string => fileURLToPath(new URL(`${p}/src/index.ts`, import.meta.url))

// Tests import workspace packages from source, so a unit test never needs a build first. The
// private tool packages (@fm/gen, @fm/fake-analyzer, @fm/test-helpers) need no alias: their
// package.json exports point at their .ts sources, which vite and tsx load through the
// workspace links in node_modules (so benchmarks and child processes resolve them the same way).
// End-to-end tests (test/e2e/**) run the built `fm` binary; `npm test` builds before running.
export default defineConfig({
  resolve: {
    alias: [
      {find: /^@fm\/(model|ingest|store|match|analyze|render|capture|baseline|publish|collect|policy|redact)$/, replacement: fileURLToPath(new URL('packages/$1/src/index.ts', import.meta.url))},
      {find: /^@fm\/report$/, replacement: src('apps/report')},
      {find: /^@fm\/lab$/, replacement: src('tools/lab')},
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'tools/**/*.test.ts'],
    // generous: the heaviest tests (generated deployments, publish end to end) take ~30 s on a loaded 2-core CI machine
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    // command tests capture oclif's this.log (console.log) through @oclif/test, which sees only process.stdout
    disableConsoleIntercept: true,
  },
})
