// DESIGN's matching rules as SQL, written once: every query of sql/queries names them as
// {{fragment ...}} and sql.ts expands them when it reads the file. The pure TypeScript side of
// the same rules (classifying one host's sockets while reading) is @fm/match's rules.ts; the
// codes below are the ones its address classes and roles are packed with.
import {ROLE_CODE} from '@fm/match'

/** Text ids fixed by the first migration: the rules compare sockets against them. */
export const FIXED_TEXTS = ['', 'TCP', 'UDP', 'LISTEN', 'ESTABLISHED'] as const
const id = (t: (typeof FIXED_TEXTS)[number]): number => FIXED_TEXTS.indexOf(t)

/** An endpoint in SQL: its address id, family and loopback flag. `:` is the query's :addr, :family, :loop. */
function endpoint(spec: string): {addr: string; family: string; loop: string} {
  if (spec === ':') return {addr: ':addr', family: ':family', loop: ':loop'}
  const m = /^(\w+)\.(local|remote)$/.exec(spec)
  if (!m) throw new Error(`bad endpoint ${spec} in a rule fragment`)
  const [, t, side] = m
  return {addr: `${t}.${side}_addr`, family: `${t}.${side}_family`, loop: `${t}.${side}_loop`}
}

const fragments: Record<string, (...args: string[]) => string> = {
  /**
   * DESIGN rule 1, listeners: TCP LISTEN, or UDP unconnected (no remote address, port 0).
   * `{{listener s}}`
   */
  listener: (s) =>
    `((${s}.protocol = ${id('TCP')} AND ${s}.state = ${id('LISTEN')}) OR (${s}.protocol = ${id('UDP')} AND ${s}.remote_port = 0 AND ${s}.remote_none = 1))`,
  /**
   * DESIGN rule 1, serving: listener `l` (same host, protocol and port: the caller's join) serves
   * endpoint x when it is bound to x, to `::` (IPv4 too), to 0.0.0.0 and x is IPv4, or when both
   * are loopback of one family. `{{serves l c.remote}}`, `{{serves l :}}`
   */
  serves: (l, x) => {
    const e = endpoint(x)
    return `(${l}.local_addr = ${e.addr} OR ${l}.local_any = 6 OR (${l}.local_any = 4 AND ${e.family} = 4) OR (${l}.local_loop = 1 AND ${e.loop} = 1 AND ${l}.local_family = ${e.family}))`
  },
  /** DESIGN rule 2: a non-listener socket with a remote endpoint (not served locally) is a client. `{{has-remote s}}` */
  'has-remote': (s) => `(${s}.remote_port <> 0 AND ${s}.remote_none = 0)`,
  /** The role codes: `{{role client}}` */
  role: (name) => {
    const code = ROLE_CODE[name as keyof typeof ROLE_CODE]
    if (code === undefined) throw new Error(`no role ${name}`)
    return String(code)
  },
  /** The netns of a socket or address when the capture does not know it (the text ''). `{{no-netns}}` */
  'no-netns': () => String(id('')),
}

/** Expands the {{fragment args}} of a query. */
export function expandRules(sql: string): string {
  return sql.replace(/\{\{([\w-]+)((?: [^ }]+)*)\}\}/g, (_, name: string, args: string) => {
    const f = fragments[name]
    if (!f) throw new Error(`no rule fragment ${name}`)
    return f(...args.trim().split(' ').filter(Boolean))
  })
}
