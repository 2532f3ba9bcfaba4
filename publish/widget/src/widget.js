// xxgk portal widget: applications and their outcomes by year for one body, read in the browser
// from a release's Parquet files with HTTP Range requests (hyparquet). No other host is contacted.
//
// Embed:
//   <div data-xxgk-widget data-base="https://portal.example/releases/v1/" data-body="body-id"
//        data-choose></div>
//   <script type="module" src="https://portal.example/releases/v1/widget/xxgk-widget.js"></script>
// data-base: the release directory (default: the directory above this script).
// data-body: the body shown first; data-choose: also show a list to choose another body.
import { asyncBufferFromUrl, cachedAsyncBuffer, parquetReadObjects } from 'hyparquet'

const SVG = 'http://www.w3.org/2000/svg'
// Outcome groups of section 三 (columns of the published `metrics` table), stacked in this order.
export const OUTCOMES = [
  ['granted', '予以公开', '#2e7d32'],
  ['partially_granted', '部分公开', '#81c784'],
  ['denied', '不予公开', '#c62828'],
  ['unavailable', '无法提供', '#ef6c00'],
  ['not_processed', '不予处理', '#6d4c41'],
  ['other_processing', '其他处理', '#9e9e9e'],
]
const APPLICATIONS = ['applications', '本年新收申请', '#1565c0']
const COLUMNS = ['body_id', 'year', 'applications', 'handled', ...OUTCOMES.map(o => o[0]), 'flags']
const TEXT = new Set(['body_id', 'flags'])
// What a reader must know before trusting a bar, from the published `flags` of `metrics`
// (schemas/metrics.schema.json): [flag, whether it holds for the whole body, the Chinese caveat].
export const CAVEATS = [
  ['synthetic', true, () => '演示数据：本机关的数字是合成的，不是真实报告。'],
  ['error', false, y => `${y}年：报告中发现错误（如勾稽关系不符），数字需核对。`],
  ['ocr', false, y => `${y}年：部分数字由图片文字识别（OCR）读出，可能有误。`],
  ['section_missing', false, y => `${y}年：报告缺少第三部分（依申请公开情况），图中没有该年的申请数。`],
  ['report_not_parsed', false, y => `${y}年：报告未完整读取（缺少某部分），部分数字为空。`],
]

const files = new Map()
async function parquet(url) {
  // One HEAD for the size, then Range reads of the footer and of the needed column chunks only.
  if (!files.has(url)) files.set(url, asyncBufferFromUrl({ url }).then(f => cachedAsyncBuffer(f)))
  return files.get(url)
}

const num = v => (v === null || v === undefined ? null : Number(v))

/** Rows of `metrics` for one body, by year, with counts as numbers (null where not reported). */
export async function bodySeries(base, body) {
  const file = await parquet(new URL('data/metrics.parquet', base).href)
  const rows = await parquetReadObjects({ file, columns: COLUMNS, filter: { body_id: body } })
  return rows
    .map(r => Object.fromEntries(COLUMNS.map(c => [c, TEXT.has(c) ? r[c] ?? null : num(r[c])])))
    .sort((a, b) => a.year - b.year)
}

/** [body_id, name] of every body, by name. */
export async function bodies(base) {
  const file = await parquet(new URL('data/bodies.parquet', base).href)
  const rows = await parquetReadObjects({ file, columns: ['body_id', 'name'] })
  return rows.map(r => [r.body_id, r.name]).sort((a, b) => a[1].localeCompare(b[1], 'zh'))
}

function el(tag, attrs = {}, text) {
  const node = tag === 'svg' || ['rect', 'text', 'line', 'g', 'title'].includes(tag)
    ? document.createElementNS(SVG, tag) : document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v))
  if (text !== undefined) node.textContent = String(text) // text, never markup: names are data
  return node
}

/** The chart: per year one bar of applications and one stacked bar of outcomes. */
export function chart(series) {
  const years = series.length
  const W = Math.max(320, 90 + years * 110), H = 260, top = 20, bottom = 40, left = 50
  const max = Math.max(1, ...series.flatMap(r => [r.applications ?? 0, OUTCOMES.reduce((s, o) => s + (r[o[0]] ?? 0), 0)]))
  const y = v => top + (H - top - bottom) * (1 - v / max)
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', class: 'xxgk-chart' })
  svg.append(el('title', {}, '各年度新收申请数和办理结果'))
  svg.append(el('line', { x1: left, x2: W - 10, y1: y(0), y2: y(0), stroke: '#555' }))
  svg.append(el('text', { x: left - 6, y: y(max) + 4, 'text-anchor': 'end', 'font-size': 11 }, max))
  svg.append(el('text', { x: left - 6, y: y(0) + 4, 'text-anchor': 'end', 'font-size': 11 }, 0))
  series.forEach((r, i) => {
    const x = left + 20 + i * 110
    const bar = (series_, value, color, bx, base_) => {
      if (value === null) return
      svg.append(el('rect', {
        x: bx, width: 36, y: y(base_ + value), height: y(base_) - y(base_ + value), fill: color,
        'data-year': r.year, 'data-series': series_, 'data-value': value,
      }))
    }
    bar(APPLICATIONS[0], r.applications, APPLICATIONS[2], x, 0)
    let stacked = 0
    for (const [key, , color] of OUTCOMES) {
      bar(key, r[key], color, x + 40, stacked)
      stacked += r[key] ?? 0
    }
    svg.append(el('text', { x: x + 38, y: H - bottom + 16, 'text-anchor': 'middle', 'font-size': 12 }, r.year))
  })
  return svg
}

/** The flags of one year of the series; a report without section 三 is named as such. */
export function flagsOf(r) {
  const flags = new Set((r.flags || '').split(';').filter(Boolean))
  if (flags.has('report_not_parsed') && r.applications === null && r.handled === null) {
    flags.delete('report_not_parsed')
    flags.add('section_missing')
  }
  return flags
}

/** The caveats of the series in Chinese, each once: [flag, year or null, text]. */
export function caveats(series) {
  const out = []
  for (const [flag, whole, text] of CAVEATS) {
    const years = series.filter(r => flagsOf(r).has(flag)).map(r => r.year)
    if (whole && years.length) out.push([flag, null, text()])
    else if (!whole) for (const y of years) out.push([flag, y, text(y)])
  }
  return out
}

function caveatList(series) {
  const ul = el('ul', { class: 'xxgk-caveats', role: 'note', style: 'margin:.4em 0;padding-left:1.2em;color:#8a4b00;font-size:13px' })
  for (const [flag, year, text] of caveats(series)) {
    ul.append(el('li', { 'data-caveat': flag, ...(year === null ? {} : { 'data-year': year }) }, text))
  }
  return ul
}

function legend() {
  const ul = el('ul', { class: 'xxgk-legend', style: 'list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.8em;font-size:12px' })
  for (const [, label, color] of [APPLICATIONS, ...OUTCOMES]) {
    const li = el('li')
    li.append(el('span', { style: `display:inline-block;width:10px;height:10px;margin-right:4px;background:${color}` }), label)
    ul.append(li)
  }
  return ul
}

/** The numbers of the chart as a table (for screen readers, and to copy). */
function numbers(series) {
  const table = el('table', { class: 'xxgk-numbers', style: 'border-collapse:collapse;font-size:12px' })
  const head = el('tr')
  for (const label of ['年度', APPLICATIONS[1], '办理结果总计', ...OUTCOMES.map(o => o[1])]) head.append(el('th', { style: 'padding:2px 6px' }, label))
  table.append(head)
  for (const r of series) {
    const tr = el('tr', { 'data-year': r.year })
    for (const key of ['year', 'applications', 'handled', ...OUTCOMES.map(o => o[0])]) {
      tr.append(el('td', { 'data-key': key, style: 'padding:2px 6px;text-align:right' }, r[key] ?? '—'))
    }
    table.append(tr)
  }
  return table
}

/** Draw the widget for `body` into `root`; resolves when it is drawn. */
export async function render(root, { base, body, choose = false }) {
  root.classList.add('xxgk-widget')
  root.setAttribute('aria-busy', 'true')
  try {
    const list = await bodies(base)
    const id = body || list[0]?.[0]
    const name = new Map(list).get(id) ?? id
    const series = await bodySeries(base, id)
    const parts = [el('h3', { class: 'xxgk-title' }, `${name}：政府信息公开申请及办理结果`)]
    if (choose) {
      const select = el('select', { class: 'xxgk-choose', 'aria-label': '选择机关' })
      for (const [value, label] of list) {
        const option = el('option', { value }, label)
        if (value === id) option.selected = true
        select.append(option)
      }
      select.addEventListener('change', () => render(root, { base, body: select.value, choose }))
      parts.unshift(select)
    }
    parts.push(
      caveatList(series),
      series.length ? chart(series) : el('p', {}, '该机关没有已读取的年度报告。'),
      legend(),
      numbers(series),
    )
    root.replaceChildren(...parts)
    root.dataset.body = id
    root.dataset.ready = 'true'
  } catch (error) {
    root.replaceChildren(el('p', { class: 'xxgk-error' }, `数据读取失败：${error.message}`))
    root.dataset.ready = 'error'
  } finally {
    root.removeAttribute('aria-busy')
  }
}

const defaultBase = new URL('../', import.meta.url).href
for (const root of document.querySelectorAll('[data-xxgk-widget]')) {
  render(root, {
    base: new URL(root.dataset.base || defaultBase, document.baseURI).href,
    body: root.dataset.body,
    choose: root.hasAttribute('data-choose'),
  })
}
