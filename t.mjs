import {readJsonDump} from '@fm/ingest'
const c = {}
let socks = 0
for await (const r of readJsonDump(process.argv[2])) { c[r.kind]=(c[r.kind]??0)+1; if (r.kind==='host') socks += r.sockets?.length ?? 0 }
console.log(c, socks)
