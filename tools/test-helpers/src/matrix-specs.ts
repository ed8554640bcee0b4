import type {CaptureInfo, HostListening, MatrixEntry} from '@fm/model'

/** What @fm/baseline and @fm/policy read (their `Observation`): captures and the entries seen in them. */
export interface SpecObservation {
  captures: CaptureInfo[]
  entries: MatrixEntry[]
}

/** A matrix entry from a compact spec: `TCP web@h1:10.0.0.1 -> db@h2:10.0.0.2:5432`, seen in the given captures. */
export function entry(spec: string, captureIds = [1], connections = 1): MatrixEntry {
  const m = /^(\w+) ([^@]+)@([^:]+):(\S+) -> ([^@]+)@([^:]+):(\S+):(\d+)$/.exec(spec)
  if (!m) throw new Error(`bad entry spec ${spec}`)
  const [, protocol, cName, cHost, cIp, sName, sHost, sIp, port] = m
  return {
    protocol,
    client: {host: cHost, ip: cIp, process: `/usr/bin/${cName}`, name: cName},
    server: {host: sHost, ip: sIp, port: Number(port), process: `/usr/sbin/${sName}`, name: sName},
    connections,
    methods: ['socket'],
    seen: captureIds.length,
    captureIds,
    evidence: [],
  }
}

/** An observation of `n` snapshots holding these entries. */
export function observation(entries: MatrixEntry[], n = 1): SpecObservation {
  return {
    captures: Array.from({length: n}, (_, i) => ({id: i + 1, source: `snap-${i + 1}.json`, format: 'skydive-json', label: null, timeContext: null, startedAt: null, endedAt: null})),
    entries,
  }
}

/** A host's listening facts from `TCP 0.0.0.0:80 nginx`-style specs. */
export function listening(host: string, addresses: string[], specs: string[]): HostListening {
  return {
    host,
    addresses,
    listeners: specs.map((s) => {
      const m = /^(\w+) (\S+):(\d+) (\S+)$/.exec(s)
      if (!m) throw new Error(`bad listener spec ${s}`)
      return {protocol: m[1], address: m[2], port: Number(m[3]), process: `/usr/sbin/${m[4]}`, name: m[4]}
    }),
  }
}
