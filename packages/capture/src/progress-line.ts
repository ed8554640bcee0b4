import type {CaptureProgress} from './capture.js'

/** One line of text for a capture progress event, for a command to draw. */
export function progressLine(p: CaptureProgress): string {
  switch (p.phase) {
    case 'connect':
      return `connected to ${p.analyzer}`
    case 'query':
      return `snapshot ${p.snapshot}/${p.snapshots}, query ${p.query}/${p.queries} (${p.role}): ${(p.bytes / 1e6).toFixed(1)} MB${p.done ? ' done' : ''}`
    case 'retry':
      return `retrying in ${(p.delayMs / 1000).toFixed(1)} s (attempt ${p.attempt}): ${p.reason}`
    case 'snapshot':
      return p.lateSeconds > 0
        ? `snapshot ${p.snapshot}/${p.snapshots} starts ${p.lateSeconds} s late: the one before took longer than the interval`
        : `snapshot ${p.snapshot}/${p.snapshots}`
    case 'wait':
      return `waiting ${p.seconds} s for snapshot ${p.snapshot}/${p.snapshots}`
  }
}
