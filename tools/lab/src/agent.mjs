// One lab process: listens or connects once, reports its socket as one JSON line on stdout,
// then holds the socket open until stdin closes or it is killed. Plain JavaScript so it runs
// with `node` alone inside a namespace (no tsx, no build).
// argv: <process name> <spec as JSON>; spec: {op: 'listen'|'connect', protocol: 'tcp'|'udp', address, port, localPort?}
import {createServer, connect} from 'node:net'
import {createSocket} from 'node:dgram'

const [name, specText] = process.argv.slice(2)
// process.title sets /proc/self/comm (prctl PR_SET_NAME): the name collectors read
process.title = name
const spec = JSON.parse(specText)
const held = []
const report = (o) => process.stdout.write(JSON.stringify({pid: process.pid, ...o}) + '\n')
const fail = (e) => {
  report({error: String(e && e.message ? e.message : e)})
  process.exit(1)
}
process.stdin.on('end', () => process.exit(0))
process.stdin.on('error', () => process.exit(0))
process.stdin.resume()

if (spec.protocol === 'tcp' && spec.op === 'listen') {
  const server = createServer((s) => {
    held.push(s)
    s.on('error', () => {})
    report({accepted: {address: s.remoteAddress, port: s.remotePort}})
  })
  server.on('error', fail)
  server.listen({host: spec.address, port: spec.port}, () => {
    const a = server.address()
    report({ready: true, local: {address: a.address, port: a.port}})
  })
} else if (spec.protocol === 'tcp' && spec.op === 'connect') {
  const s = connect({host: spec.address, port: spec.port, ...(spec.localPort ? {localPort: spec.localPort} : {})})
  held.push(s)
  s.on('error', fail)
  s.on('connect', () => report({ready: true, local: {address: s.localAddress, port: s.localPort}, remote: {address: s.remoteAddress, port: s.remotePort}}))
} else if (spec.protocol === 'tcp' && spec.op === 'probe') {
  // one connection attempt, then exit: says whether a firewall lets it through
  const s = connect({host: spec.address, port: spec.port})
  const timer = setTimeout(() => {
    report({ready: true, result: 'timeout'})
    process.exit(0)
  }, spec.timeoutMs)
  s.on('connect', () => {
    clearTimeout(timer)
    report({ready: true, result: 'connected'})
    s.destroy()
    process.exit(0)
  })
  s.on('error', (e) => {
    clearTimeout(timer)
    report({ready: true, result: e.code === 'ECONNREFUSED' ? 'refused' : `error ${e.code}`})
    process.exit(0)
  })
} else if (spec.protocol === 'udp' && spec.op === 'listen') {
  const s = createSocket(spec.address.includes(':') ? 'udp6' : 'udp4')
  held.push(s)
  s.on('error', fail)
  s.on('message', () => {})
  s.bind(spec.port, spec.address, () => {
    const a = s.address()
    report({ready: true, local: {address: a.address, port: a.port}})
  })
} else if (spec.protocol === 'udp' && spec.op === 'connect') {
  // a connected UDP socket: the kernel keeps its peer, so ss shows it with a remote end (ESTAB)
  const s = createSocket(spec.address.includes(':') ? 'udp6' : 'udp4')
  held.push(s)
  s.on('error', fail)
  const go = () => s.connect(spec.port, spec.address, () => {
    const l = s.address()
    const r = s.remoteAddress()
    s.send('fm-lab')
    report({ready: true, local: {address: l.address, port: l.port}, remote: {address: r.address, port: r.port}})
  })
  if (spec.localPort) s.bind(spec.localPort, go)
  else go()
} else {
  fail(`unknown spec ${specText}`)
}
