import {readFileSync} from 'node:fs'

// src/ and dist/ both sit one level below the package root, next to collector/.
const file = new URL('../collector/fm-collect.sh', import.meta.url)

/** The collector: a read-only POSIX sh script, run on each host with its mode (`all` or `own`) as $1. */
export function collectorScript(): string {
  return readFileSync(file, 'utf8')
}
