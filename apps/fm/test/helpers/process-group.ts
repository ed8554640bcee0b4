import {existsSync, readdirSync, readFileSync} from 'node:fs'

/** State and process group of a process, from /proc; null when it is gone. */
function procStat(pid: number): {state: string; pgrp: number} | null {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return null
  }
  // after the command name, which may hold spaces and parentheses: state ppid pgrp ...
  const [state, , pgrp] = text.slice(text.lastIndexOf(')') + 2).split(' ')
  return {state, pgrp: Number(pgrp)}
}

/**
 * The processes still running (a zombie has ended: it only waits to be reaped) among `pids` and
 * in the process groups they lead, as "PID state" lines: what outlived a transport.
 */
export function survivors(pids: number[]): string[] {
  const alive = new Set<number>()
  for (const pid of pids) {
    const s = procStat(pid)
    if (s && s.state !== 'Z') alive.add(pid)
  }
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const s = procStat(Number(name))
    if (s && s.state !== 'Z' && pids.includes(s.pgrp)) alive.add(Number(name))
  }
  return [...alive].map((pid) => `${pid} ${procStat(pid)?.state ?? 'gone'}`)
}

/** The pids a test transport wrote to `file` (`echo $$ $! > file`), once it has written them. */
export function pidsIn(file: string): number[] | null {
  if (!existsSync(file)) return null
  const words = readFileSync(file, 'utf8').trim().split(/\s+/)
  return words.length >= 2 ? words.map(Number) : null
}
