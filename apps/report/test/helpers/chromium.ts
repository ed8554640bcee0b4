import {chromium, type Browser, type Page} from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

/** Debian's Chromium, headless, with every background request it could make turned off. Never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

export interface PageLog {
  requests: string[]
  consoleErrors: string[]
  pageErrors: string[]
  dialogs: string[]
}

/** Records what a page asks for and complains about; dialogs are logged and dismissed. */
export function watch(page: Page): PageLog {
  const log: PageLog = {requests: [], consoleErrors: [], pageErrors: [], dialogs: []}
  page.on('request', (r) => log.requests.push(r.url()))
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') log.consoleErrors.push(m.text())
  })
  page.on('pageerror', (e) => log.pageErrors.push(e.message))
  page.on('dialog', (d) => {
    log.dialogs.push(d.message())
    void d.dismiss()
  })
  return log
}
