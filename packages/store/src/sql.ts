import {readFileSync, readdirSync} from 'node:fs'

// src/ and dist/ both sit one level below the package root, next to sql/.
const root = new URL('../sql/', import.meta.url)

/** The text of `sql/queries/<name>.sql`. */
export function query(name: string): string {
  return readFileSync(new URL(`queries/${name}.sql`, root), 'utf8')
}

/** Numbered migrations, in order. */
export function migrations(): {version: number; sql: string}[] {
  const dir = new URL('migrations/', root)
  return readdirSync(dir)
    .filter((f) => /^\d+_.*\.sql$/.test(f))
    .sort()
    .map((f) => ({version: Number(f.slice(0, f.indexOf('_'))), sql: readFileSync(new URL(f, dir), 'utf8')}))
}
