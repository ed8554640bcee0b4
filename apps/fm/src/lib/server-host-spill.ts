import {cmp, type HostListening, type MatrixEntry, type ServedPeer} from '@fm/model'
import {SortedSpill} from '@fm/store'

/** One server host as ServerHostSpill gives it back. */
export interface SpilledHost {
  host: string
  /** The host's place among all hosts added, in code-point order of their names (0 first). */
  rank: number
  /** The entries it serves, in the order they were added. */
  entries: MatrixEntry[]
  /** The last listeners and addresses added for it, if any. */
  listening: HostListening | undefined
  /** The peers of its server-side sockets no client was matched to, in the order they were added. */
  peers: ServedPeer[]
}

/**
 * Matrix entries, hosts' listeners and served peers set aside on disk (SortedSpills), grouped by server host,
 * then handed back one host at a time: what a per-host output (a firewall policy) needs when
 * holding every entry would grow with the matrix. Hosts are keyed by an integer given at their
 * first appearance (any name, lone surrogates included, stays its own host); only the names are
 * held. Example: `const s = new ServerHostSpill(); s.addEntry(e); for (const h of s.hosts()) ...; s.close()`
 */
export class ServerHostSpill {
  private readonly ids = new Map<string, number>()
  private readonly entries = new SortedSpill()
  private readonly listening = new SortedSpill()
  private readonly peers = new SortedSpill()

  addEntry(e: MatrixEntry): void {
    const id = this.id(e.server.host)
    this.entries.add('', '', '', '', '', id, JSON.stringify([id, e]))
  }

  addListening(h: HostListening): void {
    const id = this.id(h.host)
    this.listening.add('', '', '', '', '', id, JSON.stringify([id, h]))
  }

  addPeer(p: ServedPeer): void {
    const id = this.id(p.server.host)
    this.peers.add('', '', '', '', '', id, JSON.stringify([id, p]))
  }

  /** Every host added (by an entry or its listeners), in the order first added; no more may be added. */
  *hosts(): Generator<SpilledHost> {
    const names = [...this.ids.keys()]
    const ranks = names.map((_, i) => i).sort((a, b) => cmp(names[a], names[b]))
    const rankOf = new Array<number>(names.length)
    ranks.forEach((id, rank) => (rankOf[id] = rank))
    const entries = groups<MatrixEntry>(this.entries.sorted())
    const listening = groups<HostListening>(this.listening.sorted())
    const peers = groups<ServedPeer>(this.peers.sorted())
    let e = entries.next()
    let l = listening.next()
    let p = peers.next()
    for (let id = 0; id < names.length; id++) {
      const host: SpilledHost = {host: names[id], rank: rankOf[id], entries: [], listening: undefined, peers: []}
      if (!p.done && p.value.id === id) {
        host.peers = p.value.values
        p = peers.next()
      }
      if (!e.done && e.value.id === id) {
        host.entries = e.value.values
        e = entries.next()
      }
      if (!l.done && l.value.id === id) {
        host.listening = l.value.values[l.value.values.length - 1]
        l = listening.next()
      }
      yield host
    }
  }

  /** Frees it (its files are gone already). */
  close(): void {
    this.entries.close()
    this.listening.close()
    this.peers.close()
  }

  private id(host: string): number {
    let id = this.ids.get(host)
    if (id === undefined) this.ids.set(host, (id = this.ids.size))
    return id
  }
}

/** The rows of a spill (`[host id, value]` texts, sorted by id) read back: one group per id, in id order. */
function* groups<T>(rows: Iterable<string>): Generator<{id: number; values: T[]}> {
  let g: {id: number; values: T[]} | null = null
  for (const text of rows) {
    const [id, value] = JSON.parse(text) as [number, T]
    if (g && g.id !== id) {
      yield g
      g = null
    }
    if (g) g.values.push(value)
    else g = {id, values: [value]}
  }
  if (g) yield g
}
