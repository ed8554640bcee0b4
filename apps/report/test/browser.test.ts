import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import type {Browser} from 'playwright-core'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {analyze} from '@fm/analyze'
import {entrySelector, parseGroups} from '@fm/baseline'
import {aggregateMatrix, reportAggregator, reportHtml} from '@fm/report'
import {writeDeployment} from '@fm/gen'
import {launchChromium, watch} from './helpers/chromium.js'
import {REPO, reportOf} from './helpers/fixtures.js'
import {syntheticMatrix} from '@fm/test-helpers'

// Reports and screenshots are kept for people to look at (git-ignored).
const ARTIFACTS = `${REPO}test-artifacts/report`

let browser: Browser
beforeAll(async () => {
  mkdirSync(ARTIFACTS, {recursive: true})
  browser = await launchChromium()
})
afterAll(async () => browser?.close())

async function writeReport(name: string, html: Promise<string>): Promise<string> {
  const file = `${ARTIFACTS}/${name}.html`
  writeFileSync(file, await html)
  return pathToFileURL(file).href
}

describe('the report of the real two-agent dump in Chromium', () => {
  test('opens from a file URL with no other request, no console error, and the expected cells', async () => {
    const url = await writeReport('two-agents', reportOf('skydive/two-agents.json').then((r) => reportHtml(r, {title: 'two agents'})))
    const page = await browser.newPage({viewport: {width: 1280, height: 900}})
    const log = watch(page)
    await page.goto(url, {waitUntil: 'load'})
    expect(await page.locator('svg.fm-matrix rect.cell').count()).toBe(6)
    expect(await page.locator('svg.fm-chord .ribbon').count()).toBe(3)
    expect(await page.locator('svg.fm-graph g.node:not(.edge-label)').count()).toBe(6)
    await page.screenshot({path: `${ARTIFACTS}/two-agents.png`, fullPage: true})

    // the inline script: sort by connections (ascending, then descending), filter, highlight
    const connections = page.locator('#edges th', {hasText: 'Connections'}).locator('button')
    await connections.click()
    await connections.click()
    expect(await page.locator('#edges tbody tr:first-child td:nth-child(9)').textContent()).toBe('12')
    await page.locator('input.filter[data-table="edges"]').fill('chrome')
    expect(await page.locator('#edges tbody tr:visible').count()).toBe(6)
    await page.locator('svg.fm-matrix rect.cell').first().hover()
    expect(await page.locator('svg.fm-matrix .hl').count()).toBe(2)

    expect(log.requests).toEqual([url])
    expect(log.consoleErrors).toEqual([])
    expect(log.pageErrors).toEqual([])
    expect(log.dialogs).toEqual([])
    await page.close()
  })

  test('reads fine with JavaScript disabled', async () => {
    const url = await writeReport('two-agents', reportOf('skydive/two-agents.json').then((r) => reportHtml(r, {title: 'two agents'})))
    const context = await browser.newContext({javaScriptEnabled: false})
    const page = await context.newPage()
    await page.goto(url, {waitUntil: 'load'})
    expect(await page.locator('svg.fm-matrix rect.cell').count()).toBe(6)
    expect(await page.locator('#edges tbody tr:visible').count()).toBe(12)
    expect(await page.locator('#stat-hosts .value').textContent()).toBe('2')
    expect(await page.locator('input.filter:visible').count()).toBe(0)
    await context.close()
  })
})

describe('the report of a dump full of hostile names in Chromium', () => {
  test('runs nothing, opens no dialog, and shows the names as text', async () => {
    const url = await writeReport('hostile', reportOf('report/hostile/dump.json').then((r) => reportHtml(r, {title: '"><img src=x onerror=alert(0)>'})))
    const page = await browser.newPage({viewport: {width: 1280, height: 900}})
    const log = watch(page)
    await page.goto(url, {waitUntil: 'load'})
    // hover and click everything a user could, so an injected handler would have its chance
    for (const el of await page.locator('svg.fm-matrix rect.cell, svg.fm-chord .group text, #edges th button').all()) await el.hover()
    await page.screenshot({path: `${ARTIFACTS}/hostile.png`, fullPage: true})
    expect(await page.locator('img').count()).toBe(0)
    expect(await page.locator('script').count()).toBe(1)
    const text = await page.locator('body').innerText()
    for (const name of ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "=cmd|' /C calc'!A0", '</title><script>alert(2)</script>']) expect(text).toContain(name)
    expect(await page.title()).toBe('"><img src=x onerror=alert(0)>')
    expect(log).toEqual({requests: [url], consoleErrors: [], pageErrors: [], dialogs: []})
    await page.close()
  })
})

describe('the host questions of a 400-host deployment in Chromium', () => {
  test('finds a quiet host in the host index by searching, and says when a search covers only the busiest rows', async () => {
    const data = aggregateMatrix(syntheticMatrix({hosts: 400, seed: 4}))
    // a quiet host: in the index, but at neither end of any of the busiest rows the table keeps
    const inTop = new Set(data.topEntries.flatMap((e) => [e.client.host, e.server.host]))
    const quiet = data.hostIndex.hosts.find((c) => !inTop.has(c.host))!
    expect(quiet).toBeDefined()
    const url = await writeReport('synthetic-400', reportHtml(data))
    const page = await browser.newPage({viewport: {width: 1280, height: 900}})
    const log = watch(page)
    await page.goto(url, {waitUntil: 'load'})

    await page.locator('input.filter[data-table="host-index"]').fill(quiet.host)
    const found = page.locator('#host-index tbody tr:visible')
    expect(await found.count()).toBe(1)
    expect(await found.locator('td').first().textContent()).toBe(quiet.host)
    const calls = quiet.calls.lines[0]
    if (calls) expect(await found.locator('td').nth(2).textContent()).toContain(`${calls.service}:${calls.port}/${calls.protocol}`)
    expect(await page.locator('p.filter-note[data-for="host-index"]').textContent()).toBe('1 of 400 match')
    await page.locator('#hosts').screenshot({path: `${ARTIFACTS}/synthetic-400-host-index.png`})

    await page.locator('input.filter[data-table="edges"]').fill(quiet.host)
    expect(await page.locator('#edges tbody tr:visible').count()).toBe(0)
    const note = page.locator('p.filter-note[data-for="edges"]')
    expect(await note.isVisible()).toBe(true)
    expect(await note.textContent()).toBe(`0 of the 1,000 busiest rows (of ${data.entries.toLocaleString('en-US')}) match; \`fm analyze --host ${quiet.host}\` lists all`)
    // a search the shell must quote is offered quoted
    await page.locator('input.filter[data-table="edges"]').fill("it's")
    expect(await note.textContent()).toMatch(/`fm analyze --host 'it'\\''s'` lists all$/)
    await page.locator('input.filter[data-table="edges"]').fill('')
    expect(await note.isVisible()).toBe(false)
    expect(await page.locator('#edges tbody tr:visible').count()).toBe(1000)
    expect(log).toEqual({requests: [url], consoleErrors: [], pageErrors: [], dialogs: []})
    await page.close()
  })

  test('the host index reads with JavaScript off: every host listed, no search box', async () => {
    const url = await writeReport('synthetic-400-nojs', reportHtml(aggregateMatrix(syntheticMatrix({hosts: 400, seed: 4}))))
    const context = await browser.newContext({javaScriptEnabled: false})
    const page = await context.newPage()
    await page.goto(url, {waitUntil: 'load'})
    expect(await page.locator('#host-index tbody tr:visible').count()).toBe(400)
    expect(await page.locator('input.filter:visible').count()).toBe(0)
    expect(await page.locator('p.filter-note:visible').count()).toBe(0)
    await context.close()
  })
})

describe('the report of a 5,000-host deployment in Chromium', () => {
  // how fast it loads is the benchmark's to say (npm run bench:report); the test pins what makes it
  // load fast whatever the machine: a bounded page, with no errors
  test('loads a bounded page with no errors', async () => {
    const url = await writeReport('synthetic-5000', reportHtml(aggregateMatrix(syntheticMatrix({hosts: 5000, seed: 7}))))
    const page = await browser.newPage({viewport: {width: 1280, height: 900}})
    const log = watch(page)
    await page.goto(url, {waitUntil: 'load'})
    await page.screenshot({path: `${ARTIFACTS}/synthetic-5000.png`})
    expect(await page.locator('svg.fm-matrix rect.cell').count()).toBeGreaterThan(100)
    expect(await page.locator('svg.fm-matrix rect.cell').count()).toBeLessThanOrEqual(60 * 60)
    expect(await page.evaluate(() => document.getElementsByTagName('*').length)).toBeLessThan(150_000)
    expect(log).toEqual({requests: [url], consoleErrors: [], pageErrors: [], dialogs: []})
    await page.close()
  })
})

describe('the report of a generated cloud with a groups file in Chromium', () => {
  test('draws the views by group and service, and the host index finds a grouped host, a host in no group, and a group', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fm-browser-groups-'))
    try {
      const w = writeDeployment({hosts: 60, seed: 11}, join(dir, 'gen'))
      const yaml = 'version: 1\nhosts:\n  - {group: controllers, host: "ctrl-*"}\n  - {group: early, host: "cmp-0000?"}\nservices:\n  - {service: rabbitmq, process: "*/beam.smp"}\n'
      const sel = entrySelector({groups: parseGroups(yaml, 'groups.yaml')})
      const agg = reportAggregator({}, {groups: sel.names})
      await analyze({inputs: [w.dump], evidenceLimit: 0, lists: false, select: sel.select, onHead: agg.onHead, onEntry: agg.onEntry, onUnmatched: agg.onUnmatched, onAmbiguity: agg.onAmbiguity})
      const data = agg.result()
      const early = data.hostIndex.hosts.filter((c) => c.group === 'early').length
      const url = await writeReport('generated-60-groups', reportHtml(data, {title: 'groups'}))
      const page = await browser.newPage({viewport: {width: 1280, height: 900}})
      const log = watch(page)
      await page.goto(url, {waitUntil: 'load'})
      expect(await page.locator('#groups-note').textContent()).toMatch(/^Groups \(--groups\): of the \d+ hosts at either end of a connection, \d+ hosts in 2 groups, \d+ alone/)
      expect(await page.locator('#graph h2').textContent()).toBe('Groups, services and connections')
      const clusters = await page.locator('svg.fm-graph g.cluster > text').allTextContents()
      expect(clusters).toEqual(expect.arrayContaining(['controllers', 'early']))
      expect(await page.locator('svg.fm-graph g.node:not(.edge-label)', {hasText: 'rabbitmq'}).count()).toBeGreaterThan(0)
      expect(await page.locator('svg.fm-matrix .row-label', {hasText: 'controllers'}).count()).toBe(1)
      expect(await page.locator('svg.fm-chord .group text', {hasText: '@ controllers'}).count()).toBeGreaterThan(0)

      const filter = page.locator('input.filter[data-table="host-index"]')
      const found = page.locator('#host-index tbody tr:visible')
      await filter.fill('cmp-00003')
      expect(await found.count()).toBe(1)
      expect(await found.locator('td').nth(1).textContent()).toBe('early')
      expect(await found.locator('td').nth(3).textContent()).toContain('rabbitmq:5672/TCP → ctrl-')
      await filter.fill('cmp-00042')
      expect(await found.count()).toBe(1)
      expect(await found.locator('td').nth(1).textContent()).toBe('—')
      await filter.fill('early')
      expect(early).toBeGreaterThan(5)
      expect(await found.count()).toBe(early)
      await page.locator('#hosts').screenshot({path: `${ARTIFACTS}/generated-60-groups-host-index.png`})
      // a jump to a section lands its heading below the sticky nav
      await filter.fill('')
      await page.locator('nav a[href="#graph"]').click()
      const [nav, heading] = await Promise.all([page.locator('nav').boundingBox(), page.locator('#graph h2').boundingBox()])
      expect(heading!.y).toBeGreaterThanOrEqual(nav!.y + nav!.height)
      expect(log).toEqual({requests: [url], consoleErrors: [], pageErrors: [], dialogs: []})
      await page.close()
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
