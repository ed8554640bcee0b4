import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {writeDeployment} from '@fm/gen'

/**
 * The folder of the generated deployment of `hosts` hosts and `seed` under `data`
 * (`h<hosts>-s<seed>`, with dump.json and truth.json), generated once and shared by every bench.
 */
export function benchDeployment(data: string, hosts: number, seed: number): string {
  const dir = join(data, `h${hosts}-s${seed}`)
  if (!existsSync(join(dir, 'truth.json'))) {
    process.stderr.write(`generating ${hosts} hosts into ${dir}...\n`)
    writeDeployment({hosts, seed}, dir)
  }
  return dir
}
