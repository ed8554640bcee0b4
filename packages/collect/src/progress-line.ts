import type {CollectProgress} from './collect.js'

/** One line of text for a collection progress event, for a command to draw. */
export function collectProgressLine(p: CollectProgress): string {
  const head = `hosts ${p.done}/${p.total}`
  if (p.status === 'started') return `${head}: collecting ${p.host}`
  if (p.status === 'ok') return `${head}: ${p.host} done`
  return `${head}: ${p.host} failed: ${p.error}`
}
