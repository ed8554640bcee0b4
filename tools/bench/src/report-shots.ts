// Screenshots of a report in headless Chromium (Debian's, never a downloaded one), for people to
// look at: the whole page, and each section on its own.
// Usage: tsx tools/bench/src/report-shots.ts REPORT.html OUT_DIR [NAME]
import {mkdirSync} from 'node:fs'
import {basename, join, resolve} from 'node:path'
import {pathToFileURL} from 'node:url'
import {chromium} from 'playwright-core'

const [file, out, name = basename(file ?? '', '.html')] = process.argv.slice(2)
if (!file || !out) {
  process.stderr.write('usage: tsx tools/bench/src/report-shots.ts REPORT.html OUT_DIR [NAME]\n')
  process.exit(2)
}
mkdirSync(out, {recursive: true})
const browser = await chromium.launch({executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']})
try {
  const page = await browser.newPage({viewport: {width: 1400, height: 900}})
  // a 20,000-host page takes a while to paint on a loaded machine
  page.setDefaultTimeout(600_000)
  const errors: string[] = []
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())))
  page.on('pageerror', (e) => void errors.push(e.message))
  const started = performance.now()
  await page.goto(pathToFileURL(resolve(file)).href, {waitUntil: 'load', timeout: 600_000})
  const loadS = (performance.now() - started) / 1000
  await page.screenshot({path: join(out, `${name}-top.png`)})
  // a full page of 20,000 host rows is taller than Chromium can paint: cut at 16,000 px
  const height = await page.evaluate('document.documentElement.scrollHeight') as number
  await page.screenshot({path: join(out, `${name}-full.png`), fullPage: height <= 16_000, clip: height > 16_000 ? {x: 0, y: 0, width: 1400, height: 16_000} : undefined})
  for (const id of await page.locator('main > section').evaluateAll((els) => els.map((e) => e.id))) {
    const section = page.locator(`section#${id}`)
    const box = await section.boundingBox()
    if (!box) continue
    await section.screenshot({path: join(out, `${name}-${id}.png`)})
  }
  // the host index with a search typed
  const filter = page.locator('input.filter[data-table="host-index"]')
  if (await filter.count()) {
    await filter.fill(process.env.FM_SHOT_HOST ?? 'cmp-00017')
    await page.locator('section#hosts').screenshot({path: join(out, `${name}-hosts-search.png`)})
  }
  process.stdout.write(`${name}: loaded in ${loadS.toFixed(1)} s, page ${height} px tall, ${errors.length} console errors${errors.length ? `: ${errors.join('; ')}` : ''}\n`)
} finally {
  await browser.close()
}
