import {readFileSync, readdirSync} from 'node:fs'
import {expandRules} from './rules.js'

// src/ and dist/ both sit one level below the package root, next to sql/.
const root = new URL('../sql/', import.meta.url)

const queries = new Map<string, string>()

/** The text of `sql/queries/<name>.sql`, its rule fragments expanded (rules.ts). */
export function query(name: string): string {
  let text = queries.get(name)
  if (text === undefined) queries.set(name, (text = expandRules(readFileSync(new URL(`queries/${name}.sql`, root), 'utf8'))))
  return text
}

/** Numbered migrations, in order. */
export function migrations(): {version: number; sql: string}[] {
  const dir = new URL('migrations/', root)
  return readdirSync(dir)
    .filter((f) => /^\d+_.*\.sql$/.test(f))
    .sort()
    .map((f) => ({version: Number(f.slice(0, f.indexOf('_'))), sql: readFileSync(new URL(f, dir), 'utf8')}))
}

/** Splits a .sql file into statements (no semicolons inside string literals in our files). */
export function splitStatements(sql: string): string[] {
  return sql
    .replace(/--[^\n]*/g, '')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
}
