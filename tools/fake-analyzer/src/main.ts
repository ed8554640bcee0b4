import {readFileSync} from 'node:fs'
import {parseArgs} from 'node:util'
import {startFakeAnalyzer, type Faults} from './server.js'
import {loadGraph} from './graph.js'

const usage = `Usage: npm run fake-analyzer -- DUMP [options]

Serves a Skydive G dump through the analyzer REST API on loopback, so fm capture can be tried
without a Skydive deployment.

  --port N              port (default 8082; 0 picks a free one)
  --host ADDR           listen address (default 127.0.0.1)
  --flows FILE          a flow array to serve for G.Flows()
  --username U          require login as U; the password comes from FAKE_ANALYZER_PASSWORD
  --tls-cert FILE --tls-key FILE   serve https
  --slow-ms N           wait N ms before each topology answer
  --fail-500 N          answer the next N topology requests with 500
  --drop-after-bytes N  cut each topology answer after N bytes (--drop-times K: only K times)
  --reject-logins       refuse every login (401)
  --rbac-deny           deny topology read (405)
  --echo-login STATUS:AS  answer logins with STATUS and the form echoed (AS: raw, form, json, base64)
  --endless-error-body STATUS  answer topology requests with STATUS and a body that never ends
  --endless-string      answer topology requests with a JSON string that never ends
  --stall-body          answer topology requests with one byte, then nothing`

const {values, positionals} = parseArgs({
  allowPositionals: true,
  options: {
    port: {type: 'string', default: '8082'},
    host: {type: 'string', default: '127.0.0.1'},
    flows: {type: 'string'},
    username: {type: 'string'},
    'tls-cert': {type: 'string'},
    'tls-key': {type: 'string'},
    'slow-ms': {type: 'string'},
    'fail-500': {type: 'string'},
    'drop-after-bytes': {type: 'string'},
    'drop-times': {type: 'string'},
    'reject-logins': {type: 'boolean'},
    'rbac-deny': {type: 'boolean'},
    'echo-login': {type: 'string'},
    'endless-error-body': {type: 'string'},
    'endless-string': {type: 'boolean'},
    'stall-body': {type: 'boolean'},
    help: {type: 'boolean', short: 'h'},
  },
})

if (values.help || positionals.length !== 1) {
  console.log(usage)
  process.exit(values.help ? 0 : 2)
}
const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v))
const faults: Faults = {
  slowMs: num(values['slow-ms']),
  fail500: num(values['fail-500']),
  dropAfterBytes: num(values['drop-after-bytes']),
  dropTimes: num(values['drop-times']),
  rejectLogins: values['reject-logins'],
  rbacDeny: values['rbac-deny'],
  echoLogin: echoLogin(values['echo-login']),
  endlessErrorBody: num(values['endless-error-body']),
  endlessString: values['endless-string'],
  stallBody: values['stall-body'],
}

function echoLogin(v: string | undefined): Faults['echoLogin'] {
  if (v === undefined) return undefined
  const [status, as] = v.split(':')
  if (!['raw', 'form', 'json', 'base64'].includes(as) || !Number.isInteger(Number(status))) {
    console.error('--echo-login takes STATUS:AS, AS one of raw, form, json, base64 (e.g. 400:form)')
    process.exit(2)
  }
  return {status: Number(status), as: as as 'raw' | 'form' | 'json' | 'base64'}
}
let users: Record<string, string> | undefined
if (values.username) {
  const pw = process.env.FAKE_ANALYZER_PASSWORD
  if (!pw) {
    console.error('--username needs the password in FAKE_ANALYZER_PASSWORD')
    process.exit(2)
  }
  users = {[values.username]: pw}
}
if (!!values['tls-cert'] !== !!values['tls-key']) {
  console.error('--tls-cert and --tls-key go together')
  process.exit(2)
}
const tls = values['tls-cert'] ? {cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']!)} : undefined
const fa = await startFakeAnalyzer({graph: loadGraph(positionals[0], values.flows), host: values.host, port: Number(values.port), tls, users, faults})
console.log(`fake analyzer serving ${positionals[0]} (${fa.graph.nodes.size} nodes, ${fa.graph.edges.size} edges) at ${fa.url}`)
console.log(`try: npx fm capture --analyzer ${fa.url.replace(/^https?:\/\//, '')}${tls ? ' --ssl --ca ' + values['tls-cert'] : ''}${users ? ` --username ${values.username}` : ''} --out capture-dir`)
const stop = (): void => void fa.stop().then(() => process.exit(0))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
