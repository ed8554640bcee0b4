import {Flags} from '@oclif/core'

/** Flags every command has (FmCommand.baseFlags): how much progress to show on stderr. */
export const progressFlags = {
  progress: Flags.boolean({
    summary: 'Progress on stderr even when it is not a terminal: a line within a second, then one every 5 s (for CI logs).',
    helpGroup: 'OUTPUT',
    exclusive: ['quiet'],
  }),
  quiet: Flags.boolean({summary: 'No progress on stderr, even on a terminal.', helpGroup: 'OUTPUT'}),
}

/** A progress sink: call it with the latest line; `done` when the work ends (stops the timers). */
export type Progress = ((line: string) => void) & {done: () => void}

export interface ProgressOptions {
  /** 'live': one line redrawn in place (a terminal); 'lines': plain lines (a log); 'off'. */
  mode: 'live' | 'lines' | 'off'
  write: (text: string) => void
  columns?: number
  /** Seconds between plain lines. */
  every?: number
}

/**
 * Draws library progress on stderr. On a terminal the line is redrawn in place (at most ten
 * times a second). In a log, the first line comes within a second of starting (the latest
 * news, or "working"), then one every few seconds with the time elapsed, even while the
 * library is silent, so a CI log shows the run is alive and where it is.
 */
export function progressReporter(opts: ProgressOptions): Progress {
  const started = Date.now()
  let latest = 'working'
  let last = 0
  const timers: NodeJS.Timeout[] = []
  const plain = (): void => opts.write(`fm: [${Math.round((Date.now() - started) / 1000)}s] ${latest}\n`)
  if (opts.mode === 'lines') {
    const first = setTimeout(() => {
      plain()
      const each = setInterval(plain, (opts.every ?? 5) * 1000)
      each.unref()
      timers.push(each)
    }, 1000)
    first.unref()
    timers.push(first)
  }
  const draw = ((line: string) => {
    latest = line
    if (opts.mode !== 'live') return
    const now = Date.now()
    if (now - last < 100) return
    last = now
    opts.write(`\r\u001b[2K${line.slice(0, (opts.columns ?? 80) - 1)}`)
  }) as Progress
  draw.done = () => {
    for (const t of timers.splice(0)) clearTimeout(t)
    if (opts.mode === 'live' && last > 0) opts.write('\r\u001b[2K')
  }
  return draw
}

/** The line for a dump being read; a stream's size is unknown (0). */
export function readingLine(p: {file: string; bytesRead: number; totalBytes: number; records?: number}): string {
  const of = p.totalBytes > 0 ? ` of ${(p.totalBytes / 1e6).toFixed(1)}` : ''
  return `reading ${p.file}: ${(p.bytesRead / 1e6).toFixed(1)}${of} MB${p.records === undefined ? '' : `, ${p.records} records`}`
}
