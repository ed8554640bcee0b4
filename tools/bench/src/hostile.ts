// npx tsx tools/bench/src/hostile.ts [--rules 100000] [--name-mb 10]
// Issue 12's costs of hostile inputs, each measured on the built fm binary in its own process
// (peak RSS, CPU time) next to a plain input of the same size, in the same run:
//   baseline   `fm check` against a generated host-level baseline of N rules, read by the line reader
//              (the form fm baseline writes) and by the YAML parser (one single-quoted value added)
//   long name  `fm analyze` of the bundled dump with one host named by an M MB string, and of the
//              same dump with the string in a field fm skips
import {mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {runFm} from './run-fm.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = resolve(here, '../../..')
const {values} = parseArgs({options: {rules: {type: 'string', default: '100000'}, 'name-mb': {type: 'string', default: '10'}}})
const dir = join(root, 'bench-data', 'hostile')
mkdirSync(dir, {recursive: true})
const fixture = join(root, 'fixtures/skydive/two-agents.json')

function measure(args: string[]): {status: number | null; maxRss: number; cpuMs: number} {
  const r = runFm(args, {probeFile: join(dir, 'probe.json'), allowFailure: true, ignoreStdout: true})
  return {status: r.status, maxRss: r.rssMB * 1e6, cpuMs: r.cpuS * 1000}
}
const row = (what: string, file: string, m: ReturnType<typeof measure>): string =>
  `| ${what} | ${(statSync(file).size / 1e6).toFixed(1)} MB | exit ${m.status} | ${(m.cpuMs / 1000).toFixed(1)} s | ${Math.round(m.maxRss / 1e6)} MB |`

const rows = ['| input | size | result | CPU | peak RSS |', '|---|---:|---:|---:|---:|']
const n = Number(values.rules)
const lines = ['version: 1', 'level: host', 'allow:']
for (let i = 0; i < n; i++) lines.push(`  - {client_host: host-${i % 5000}, client: svc-${i % 97}, server_host: host-${(i * 7) % 5000}, server: srv-${i % 89}, protocol: TCP, port: ${i % 60000}}`)
const fast = join(dir, `baseline-${n}.yaml`)
const slow = join(dir, `baseline-${n}-yaml.yaml`)
writeFileSync(fast, `${lines.join('\n')}\nignore:\n  - {port: 1}\n`)
writeFileSync(slow, `${lines.join('\n')}\nignore:\n  - {port: '1'}\n`)
rows.push(row(`fm check, ${n} rules, line reader`, fast, measure(['check', '--baseline', fast, fixture])))
rows.push(row(`fm check, ${n} rules, YAML parser`, slow, measure(['check', '--baseline', slow, fixture])))

const long = 'h'.repeat(Number(values['name-mb']) * 1e6)
const named = JSON.parse(readFileSync(fixture, 'utf8'))
const plain = JSON.parse(readFileSync(fixture, 'utf8'))
const host = (d: {Nodes: {Host?: string; Metadata: Record<string, unknown>}[]}[]) => d[0].Nodes.find((x) => x.Host === 'agent-1' && x.Metadata.Type === 'host')!
host(named).Host = long
host(plain).Metadata.Padding = long
const namedFile = join(dir, 'long-host-name.json')
const plainFile = join(dir, 'long-padding.json')
writeFileSync(namedFile, JSON.stringify(named))
writeFileSync(plainFile, JSON.stringify(plain))
rows.push(row(`fm analyze --format table, a ${values['name-mb']} MB host name`, namedFile, measure(['analyze', namedFile, '--format', 'table'])))
rows.push(row(`fm analyze --format table, the same string in a skipped field`, plainFile, measure(['analyze', plainFile, '--format', 'table'])))
console.log(rows.join('\n'))
