import {fmTestConfig, REPO_ROOT} from './vitest.shared.js'

// `vitest run` (what `npm test` runs): every test of the repository, tools/ included. Each project
// also has its own vitest.config.ts with its tests only, which nx runs as its `test` target.
export default fmTestConfig(REPO_ROOT, ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'tools/**/*.test.ts'])
