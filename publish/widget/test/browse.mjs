// Opens pages in headless Debian chromium (playwright-core) and reports, as JSON on stdout, what
// a person would see go wrong: console errors, page errors, dialogs (an injected alert()), failed
// or blocked requests, links that do not resolve; plus the widget's drawn numbers and the bytes
// the page downloaded. Every request to a host other than the given origin is aborted.
//
// usage: node browse.mjs '{"origin": "http://127.0.0.1:PORT", "pages": ["/1.0.0/index.html"],
//                          "checkLinks": true, "widget": false, "steps": []}'
// `steps`: what a person then does on each page, in order (for a single-page app such as the
// Dagster UI): {"goto": path}, {"waitFor": text}, {"click": text} (or {"click": name, "role":
// "button"}: a button, link, tab … whose accessible name holds it, or is it with "exact": true),
// {"read": name} (the page's text
// then, in `read`). The first step that cannot be done ends the page's steps, reported in
// `stepError` with the page's text. `dismiss`: buttons of dialogs that may pop up over the
// page (a newsletter prompt), clicked whenever one is in the way.
import { chromium } from 'playwright-core'

const args = JSON.parse(process.argv[2])
const origin = args.origin
const browser = await chromium.launch({
  executablePath: args.chromium || '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', // playwright gives it a fresh temporary profile
    '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
  ],
})
// The caveats the widget shows next to its chart, as [flag, year or null, text].
const caveatsOf = page => page.$$eval('[data-xxgk-widget] .xxgk-caveats li', items => items.map(li =>
  [li.dataset.caveat, li.dataset.year ? Number(li.dataset.year) : null, li.textContent]))
const STEP_TIMEOUT_MS = 60000
async function act(page, step, r) {
  const timeout = step.timeout || STEP_TIMEOUT_MS
  if (step.goto) await page.goto(origin + step.goto, { waitUntil: 'load' })
  else if (step.waitFor) await page.getByText(step.waitFor).first().waitFor({ timeout })
  else if (step.click) {
    const target = step.role ? page.getByRole(step.role, { name: step.click, exact: !!step.exact }) : page.getByText(step.click, { exact: true })
    await target.first().click({ timeout })
  }
  else if (step.read) r.read[step.read] = await page.evaluate(() => document.body.innerText)
  else throw new Error(`unknown step ${JSON.stringify(step)}`)
}
const results = []
try {
  for (const path of args.pages) {
    const context = await browser.newContext()
    const page = await context.newPage()
    const r = { page: path, consoleErrors: [], pageErrors: [], dialogs: [], failed: [], blocked: [], requests: [], links: [] }
    await context.route('**/*', route => {
      const url = route.request().url()
      if (url.startsWith(origin + '/')) return route.continue()
      r.blocked.push(url)
      return route.abort('blockedbyclient')
    })
    page.on('console', m => { if (m.type() === 'error') r.consoleErrors.push(m.text()) })
    page.on('pageerror', e => r.pageErrors.push(String(e)))
    page.on('dialog', d => { r.dialogs.push(d.message()); d.dismiss() })
    page.on('requestfailed', async q => {
      // Playwright reports a response without a body (HEAD, 204) as ERR_ABORTED although it
      // arrived (microsoft/playwright#32752): such a request counts as answered, with its status.
      const response = await q.response().catch(() => null)
      if (response) r.requests.push({ url: q.url(), method: q.method(), status: response.status(), range: null, bodyBytes: 0, headerBytes: 0 })
      else r.failed.push(`${q.method()} ${q.url()} ${q.failure()?.errorText}`)
    })
    page.on('requestfinished', async q => {
      const response = await q.response()
      const sizes = await q.sizes()
      r.requests.push({
        url: q.url(), method: q.method(), status: response?.status(),
        range: q.headers().range || null, bodyBytes: sizes.responseBodySize,
        headerBytes: sizes.responseHeadersSize,
      })
    })
    const response = await page.goto(origin + path, { waitUntil: 'load' })
    r.status = response?.status()
    r.contentType = response?.headers()['content-type'] ?? null
    for (const name of args.dismiss || []) {
      await page.addLocatorHandler(page.getByRole('button', { name, exact: true }), b => b.click())
    }
    r.read = {}
    for (const step of args.steps || []) {
      try {
        await act(page, step, r)
      } catch (e) {
        r.stepError = { step, message: String(e).slice(0, 2000), text: await page.evaluate(() => document.body.innerText) }
        break
      }
    }
    if (args.widget) {
      await page.waitForSelector('[data-xxgk-widget][data-ready]', { timeout: 30000 })
      r.widget = await page.evaluate(() => {
        const root = document.querySelector('[data-xxgk-widget]')
        return {
          ready: root.dataset.ready, body: root.dataset.body,
          title: root.querySelector('.xxgk-title')?.textContent ?? null,
          error: root.querySelector('.xxgk-error')?.textContent ?? null,
          bars: [...root.querySelectorAll('rect[data-series]')].map(b => ({
            year: Number(b.dataset.year), series: b.dataset.series, value: Number(b.dataset.value),
          })),
          rows: [...root.querySelectorAll('tr[data-year]')].map(tr => Object.fromEntries(
            [...tr.querySelectorAll('td[data-key]')].map(td => [td.dataset.key, td.textContent]))),
          options: [...root.querySelectorAll('option')].map(o => [o.value, o.textContent]),
        }
      })
      r.widget.caveats = await caveatsOf(page)
      // each of `visit` chosen in turn: the caveats shown next to its chart
      r.visited = []
      for (const body of args.visit || []) {
        await page.selectOption('.xxgk-choose', body)
        await page.waitForFunction(b => document.querySelector('[data-xxgk-widget]').dataset.body === b, body)
        r.visited.push({ body, caveats: await caveatsOf(page) })
      }
      if (args.choose) {
        await page.selectOption('.xxgk-choose', args.choose)
        await page.waitForFunction(b => document.querySelector('[data-xxgk-widget]').dataset.body === b, args.choose)
        r.chosen = await page.evaluate(() => [...document.querySelectorAll('rect[data-series]')].map(b => ({
          year: Number(b.dataset.year), series: b.dataset.series, value: Number(b.dataset.value),
        })))
      }
    }
    r.text = await page.evaluate(() => document.body.innerText)
    r.scripts = await page.evaluate(() => document.querySelectorAll('script').length)
    r.icon = await page.evaluate(() => document.querySelector('link[rel~="icon"]')?.href ?? null)
    if (args.tables) {
      // every table as the text of its cells, named by the id of its enclosing section;
      // flagged cells (class flag-*) with their row's and column's header text
      r.tables = await page.evaluate(() => [...document.querySelectorAll('table')].map(t => ({
        id: t.closest('[id]')?.id ?? null,
        rows: [...t.rows].map(tr => [...tr.cells].map(c => c.innerText.trim())),
        flagged: [...t.querySelectorAll('td[class*="flag-"]')].map(td => ({
          className: td.className, text: td.innerText.trim(),
          row: td.parentElement.cells[0].innerText.trim(),
          column: t.rows[0].cells[td.cellIndex].innerText.trim(),
          background: getComputedStyle(td).backgroundColor,
        })),
      })))
    }
    if (args.checkLinks) {
      const hrefs = await page.evaluate(() => [...document.querySelectorAll('a[href]')].map(a => a.href))
      for (const href of [...new Set(hrefs)]) {
        const res = await page.request.fetch(href, { method: 'GET', failOnStatusCode: false })
        r.links.push({ href, status: res.status() })
      }
    }
    if (args.screenshot) await page.screenshot({ path: args.screenshot.replace('{i}', String(results.length)), fullPage: true })
    await context.close()
    results.push(r)
  }
} finally {
  await browser.close()
}
process.stdout.write(JSON.stringify(results))
