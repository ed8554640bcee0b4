import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import Analyze from '../src/commands/analyze.js'
import Report from '../src/commands/report.js'
import {runCommand} from './helpers/run-command.js'

const DUMP = 'fixtures/skydive/two-agents.json'
const dir = mkdtempSync(join(tmpdir(), 'fm-report-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('fm report (in-process)', () => {
  test('writes the HTML report atomically', async () => {
    const out = join(dir, 'report.html')
    const r = await runCommand(Report, [DUMP, '--out', out, '--title', 'Two agents'])
    expect(r.error).toBeUndefined()
    const html = readFileSync(out, 'utf8')
    expect(html).toMatch(/^<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">/)
    expect(html).toContain('<title>Two agents</title>')
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([])
    // oclif's this.log line, captured in-process
    expect(r.stdout.startsWith(`wrote ${out} (html, `)).toBe(true)
    expect(r.stdout).toMatch(/ \d+\.\d KiB\)\n$/)
  })

  test('returns a typed result under --json', async () => {
    const out = join(dir, 'json.html')
    const r = await runCommand(Report, [DUMP, '--out', out, '--json'])
    expect(r.result).toEqual({out, format: 'html', bytes: readFileSync(out).byteLength, hosts: 2, entries: 12})
  })

  test.for([
    {format: 'svg', file: 'matrix.svg', starts: '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" class="fm-matrix"'},
    {format: 'dot', file: 'graph.dot', starts: 'digraph fm {'},
    {format: 'render', file: 'graph.svg', starts: '<?xml version="1.0" encoding="UTF-8" standalone="no"?>'},
  ])('--format $format writes $file', async ({format, file, starts}) => {
    const out = join(dir, file)
    const r = await runCommand(Report, [DUMP, '--out', out, '--format', format])
    expect(r.error).toBeUndefined()
    expect(readFileSync(out, 'utf8').startsWith(starts)).toBe(true)
  })

  test.for(['html', 'svg', 'dot'])('a %s report names its inputs by file name only: the folders they are in appear nowhere in it', async (format) => {
    const site = join(dir, `customer-x-${format}`)
    mkdirSync(site)
    cpSync(DUMP, join(site, 'dump.json'))
    cpSync('fixtures/capture/two-agents', join(site, 'capture-folder'), {recursive: true})
    const out = join(dir, `named.${format}`)
    const r = await runCommand(Report, [join(site, 'dump.json'), `${join(site, 'capture-folder')}/`, '--out', out, '--format', format])
    expect(r.error).toBeUndefined()
    const text = readFileSync(out, 'utf8')
    expect(text).not.toContain(site)
    expect(text).not.toContain('customer-x')
    if (format === 'html') {
      const captures = /<caption>Captures<\/caption>.*?<\/table>/s.exec(text)?.[0] ?? ''
      expect(captures).toContain('<td>dump.json</td>')
      expect(captures).toContain('<td>capture-folder</td>')
    }
  })

  test('--group-by service draws one row per client service', async () => {
    const out = join(dir, 'by-service.svg')
    await runCommand(Report, [DUMP, '--out', out, '--format', 'svg', '--group-by', 'service'])
    expect(readFileSync(out, 'utf8').match(/class="row-label"/g)).toHaveLength(2)
  })

  test.for([
    {argv: ['--out', 'x.png'], message: 'names a .png file, but --format html writes HTML'},
    {argv: ['--out', 'x.html', '--format', 'pdf'], message: 'Expected --format=pdf to be one of: html, svg, dot, render'},
    {argv: ['--out', 'x.html', '--engine', 'fdp'], message: 'Expected --engine=fdp to be one of: dot, circo, neato'},
  ])('is a usage error (exit 2) for $argv', async ({argv, message}) => {
    const r = await runCommand(Report, [DUMP, ...argv.map((a) => (a.startsWith('x.') ? join(dir, a) : a))])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain(message)
    expect(existsSync(join(dir, 'x.png')) || existsSync(join(dir, 'x.html'))).toBe(false)
  })

  test('reads a database kept by fm analyze --db', async () => {
    const db = join(dir, 'flows.db')
    expect((await runCommand(Analyze, [DUMP, '--db', db, '--format', 'json'])).error).toBeUndefined()
    const r = await runCommand(Report, [db, '--out', join(dir, 'from-db.html')])
    expect(r.result).toMatchObject({hosts: 2, entries: 12})
  })

  test('a missing input is bad input (exit 3) and leaves no file', async () => {
    const out = join(dir, 'missing.html')
    const r = await runCommand(Report, ['does/not/exist.json', '--out', out])
    expect(r.exitCode).toBe(3)
    expect(existsSync(out)).toBe(false)
  })
})
