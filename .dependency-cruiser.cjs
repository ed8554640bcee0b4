// House rules on imports, checked by `npm run lint` (depcruise over each project's src, test, bench).
// A project is a folder packages/<name>, apps/<name> or tools/<name>; it reaches another one only
// through the other's package name (@fm/<name>, declared in its package.json), never by a relative
// path or a deep import into its files. The pure layers (DESIGN.md: types, address canon, matching
// logic, diff/baseline, policy, pure writers) do no I/O.

/** Projects whose src does no I/O: no file system, processes, network, database. */
const PURE = '^packages/(model|match|baseline|policy|render)/src/'
/** Node core modules a pure layer may use: pure helpers only (node:net for isIP/BlockList). */
const PURE_CORE = '^(node:)?(net|util|crypto|buffer|string_decoder|assert)$'
/** Workspace projects that do I/O or sit above the libraries (by package name or by file). */
const IO_PROJECTS = '^(@fm/|packages/)(store|ingest|capture|analyze|publish|redact|collect)(/|$)|^(@fm/(cli|report|lab)|apps/|tools/)'
/** Third-party packages that do I/O. */
const IO_NPM = '(^|/)node_modules/(better-sqlite3|ws|stream-json|playwright-core|jsdom|@oclif/[^/]+|@inquirer/[^/]+)/'

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-relative-import-across-projects',
      comment: "A relative import leaves its project (packages/x, apps/x, tools/x): import the other project by its package name (@fm/<name>) and declare it in package.json; shared test helpers, the generator and the fake analyzer are workspace packages too. Committed data under fixtures/ and a project's vitest.config.ts using the shared vitest.shared.ts are fine.",
      severity: 'error',
      from: {path: '^(packages|apps|tools)/([^/]+)/'},
      to: {dependencyTypes: ['local'], dependencyTypesNot: ['aliased'], pathNot: ['^$1/$2/', '^fixtures/', '^vitest[.]shared[.]ts$']},
    },
    {
      name: 'no-deep-import',
      comment: "A package's internals (@fm/<name>/src/..., /dist/...) are not its API: import @fm/<name> and let it export what you need.",
      severity: 'error',
      from: {},
      to: {path: '^@fm/[^/]+/.+'},
    },
    {
      name: 'pure-layer-no-io-core',
      comment: 'model, match, baseline, policy and render are pure: no file system, processes, sockets or threads. Do the I/O in the caller and pass the data in.',
      severity: 'error',
      from: {path: PURE},
      to: {dependencyTypes: ['core'], pathNot: PURE_CORE},
    },
    {
      name: 'pure-layer-no-io-package',
      comment: 'model, match, baseline, policy and render are pure: they import no I/O package, no CLI, no tool.',
      severity: 'error',
      from: {path: PURE},
      to: {path: [IO_PROJECTS, IO_NPM]},
    },
    {
      name: 'no-undeclared-dependency',
      comment: "Every package a file imports is declared in its project's package.json (tests: devDependencies), so the project graph nx builds and the published packages are right.",
      severity: 'error',
      from: {},
      to: {dependencyTypes: ['npm-no-pkg', 'npm-unknown']},
    },
    {
      name: 'no-dev-dependency-in-src',
      comment: 'Shipped code (src/) imports only dependencies, not devDependencies: a devDependency is not installed with the package. The one exception is the reading worker\'s tsx loader, started only when fm runs from its .ts sources (tests), never from dist/.',
      severity: 'error',
      from: {path: '^(packages|apps)/[^/]+/src/', pathNot: '^packages/analyze/src/read-worker-source\\.mjs$'},
      to: {dependencyTypes: ['npm-dev'], dependencyTypesNot: ['npm']},
    },
    {
      name: 'no-src-to-test',
      comment: 'Shipped code (src/) never imports test files.',
      severity: 'error',
      from: {path: '^(packages|apps|tools)/[^/]+/src/'},
      to: {path: '^(packages|apps|tools)/[^/]+/test/'},
    },
  ],
  options: {
    // packages resolve to their built entry (dist/) once built, to their name before: both are leaves
    doNotFollow: {path: '(^|/)(node_modules|dist)/'},
    exclude: {path: '(^|/)out-tsc/'},
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    preserveSymlinks: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
      mainFields: ['module', 'main', 'types'],
    },
    // Resolve `./x.js` to `./x.ts` as tsc does (NodeNext).
    tsConfig: {fileName: 'tsconfig.base.json'},
    reporterOptions: {text: {highlightFocused: true}},
  },
}
