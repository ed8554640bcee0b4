import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

/** Every file under a folder, as text (to search a capture for what must not be there). */
export function allText(dir: string): string {
  return readdirSync(dir, {recursive: true, encoding: 'utf8'})
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n')
}
