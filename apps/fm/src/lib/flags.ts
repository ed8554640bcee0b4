import {Flags} from '@oclif/core'

/** Flags shared by every command that reads dumps and matches them. */
export const matchFlags = {
  states: Flags.string({
    summary: 'Client socket states that count as connections (comma-separated), or "any" for every non-listener socket.',
    default: 'ESTABLISHED',
  }),
}

/** Parses `--states`. */
export function parseStates(s: string): string[] | 'any' {
  const list = s.split(',').map((x) => x.trim().toUpperCase()).filter(Boolean)
  return list.includes('ANY') ? 'any' : list
}
