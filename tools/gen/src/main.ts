// Usage: tsx tools/gen/src/main.ts --hosts 1000 --seed 1 --out bench-data/1k [--flows] [--controllers N]
import {parseArgs} from 'node:util'
import {writeDeployment} from './write-deployment.js'

const {values} = parseArgs({
  options: {
    hosts: {type: 'string', default: '100'},
    seed: {type: 'string', default: '1'},
    out: {type: 'string'},
    controllers: {type: 'string'},
    flows: {type: 'boolean', default: false},
    help: {type: 'boolean', short: 'h', default: false},
  },
})

if (values.help || !values.out) {
  process.stderr.write('usage: tsx tools/gen/src/main.ts --hosts N --seed S --out DIR [--controllers N] [--flows]\n' +
    'writes DIR/dump.json (a Skydive G response), DIR/matrix.csv (ground truth), DIR/unmatched.csv, DIR/truth.json\n')
  process.exit(values.help ? 0 : 2)
}

const started = performance.now()
const w = writeDeployment(
  {hosts: Number(values.hosts), seed: Number(values.seed), controllers: values.controllers ? Number(values.controllers) : undefined, flows: values.flows},
  values.out,
)
const s = w.summary
process.stderr.write(
  `${w.dump}: ${(w.dumpBytes / 1e6).toFixed(1)} MB, ${s.hosts} hosts (${s.controllers} controllers, ${s.hostsWithoutSockets.length} without sockets), ` +
    `${s.sockets} sockets, ${s.entries} matrix rows, in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
)
