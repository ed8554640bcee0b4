import {readFile} from 'node:fs/promises'
import {InputError, UsageError} from '@fm/model'

/**
 * The hosts of `--ssh HOSTS`: a comma list (`web-1,db-1`) or `@FILE` with one destination per
 * line and `#` comments. A destination is whatever the transport takes (`user@host`, an ssh
 * config alias, a namespace or container name); it may not start with `-` (it would read as an
 * option) nor hold spaces or control characters. Duplicates are a usage error.
 */
export async function readHostList(spec: string): Promise<string[]> {
  let items: {host: string; where: string}[]
  if (spec.startsWith('@')) {
    const file = spec.slice(1)
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (e) {
      throw new InputError(file, `cannot read the host list (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
    }
    items = text.split('\n').map((l, i) => ({host: l.replace(/#.*$/, '').trim(), where: `${file} line ${i + 1}`})).filter((x) => x.host !== '')
  } else {
    items = spec.split(',').map((h, i) => ({host: h.trim(), where: `item ${i + 1} of --ssh`})).filter((x) => x.host !== '')
  }
  if (items.length === 0) throw new UsageError('--ssh names no host', ['Give a comma list (web-1,db-1) or @FILE with one host per line.'])
  const seen = new Set<string>()
  for (const {host, where} of items) {
    // eslint-disable-next-line no-control-regex
    if (/[\s\u0000-\u001f\u007f]/.test(host)) throw new UsageError(`${where}: host ${JSON.stringify(host)} holds a space or control character`)
    if (host.startsWith('-')) throw new UsageError(`${where}: host ${JSON.stringify(host)} starts with "-" and would be read as an option`)
    if (host.length > 255) throw new UsageError(`${where}: host name longer than 255 characters`)
    if (seen.has(host)) throw new UsageError(`${where}: host ${host} is listed twice`)
    seen.add(host)
  }
  return items.map((x) => x.host)
}
