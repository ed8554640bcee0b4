import {readFileSync} from 'node:fs'

/** Set by the packaging build (esbuild define): the single executable has no files beside it. */
declare const FM_COLLECTOR_SCRIPT: string | undefined

/** The collector: a read-only POSIX sh script, run on each host with its mode (`all` or `own`) as $1. */
export function collectorScript(): string {
  if (typeof FM_COLLECTOR_SCRIPT === 'string') return FM_COLLECTOR_SCRIPT
  // src/ and dist/ both sit one level below the package root, next to collector/; the URL is
  // made only here, so a bundle that defines the script never evaluates import.meta.url
  return readFileSync(new URL('../collector/fm-collect.sh', import.meta.url), 'utf8')
}
