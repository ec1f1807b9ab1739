// The site on a phone (390×844) and the insights page's charts.
//
//   RETROBOOK_SITE=/path/to/example/site RETROBOOK_LONG_SITE=/path/to/long-span/site \
//     node --test phone.test.mjs
//
// On the example site: no page scrolls sideways; in every item row the
// status, due date, owner and retro are on screen; the header is one row
// with the search box; charts fit and their text is at least 11 px; light,
// dark and print. On the long-span fixture (incidents over seven years):
// every incident is on the chart and every bar's link leads to its list.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { LAUNCH, serve } from './static-server.mjs';

const SITE = resolve(process.env.RETROBOOK_SITE || '');
const LONG = resolve(process.env.RETROBOOK_LONG_SITE || '');
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
const TEST = { timeout: 120_000 };

function htmlPages(dir, root = dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return htmlPages(path, root);
    return name.endsWith('.html') ? [relative(root, path)] : [];
  }).sort();
}

/** What sticks out of the viewport: the page's scroll width and the widest offenders. */
function overflow() {
  const width = innerWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > width + 1 && !e.closest('.site-nav, .table-scroll, pre'))
    .slice(0, 3)
    .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} right=${Math.round(e.getBoundingClientRect().right)}`);
  return { scroll: document.scrollingElement.scrollWidth, width, wide };
}

/** The item rows' fields that must be on screen: each visible, inside the viewport, with its label. */
function rowFields(scope = '') {
  const problems = [];
  const rows = [...document.querySelectorAll(`${scope} .actions-table tbody tr`)];
  for (const [n, row] of rows.entries()) {
    for (const cls of ['col-status', 'col-due', 'col-owner', 'col-retro']) {
      const cell = row.querySelector(`td.${cls}`);
      if (!cell) continue; // a page about one owner or one retro leaves its column out
      const r = cell.getBoundingClientRect();
      const label = getComputedStyle(cell, '::before').content;
      const shown = cell.checkVisibility({ checkVisibilityCSS: true }) && r.width > 0 && r.height > 0;
      if (!shown || r.left < 0 || r.right > innerWidth + 1 || !/[A-Za-z]/.test(label)) {
        problems.push(`row ${n + 1} ${cls}: shown=${shown} left=${r.left} right=${r.right} label=${label}`);
      }
    }
  }
  return { count: rows.length, problems };
}

describe('phone layout (390×844)', () => {
  let browser, server, base;
  before(async () => {
    browser = await chromium.launch(LAUNCH);
    server = await serve(SITE);
    base = `http://127.0.0.1:${server.address().port}/`;
  });
  after(async () => { await browser?.close(); server?.close(); });

  it('no page of the example site scrolls sideways, light or dark', TEST, async () => {
    const pages = htmlPages(SITE);
    assert.ok(pages.length > 50, `${pages.length} pages`);
    for (const colorScheme of ['light', 'dark']) {
      const context = await browser.newContext({ ...PHONE, colorScheme });
      const page = await context.newPage();
      const wide = [];
      // Dark mode changes colors, not layout: a sample of each page type is enough there.
      const list = colorScheme === 'light' ? pages : pages.filter((p) => !p.includes('/') || /^[a-z]+\/index\.html$/.test(p));
      for (const path of list) {
        await page.goto(base + path);
        const o = await page.evaluate(overflow);
        if (o.scroll > o.width) wide.push(`${path}: scrollWidth ${o.scroll} > ${o.width} (${o.wide.join('; ')})`);
      }
      await context.close();
      assert.deepEqual(wide, [], `pages scroll sideways (${colorScheme}):\n${wide.join('\n')}`);
    }
  });

  it('item rows show status, due, owner and retro on screen', TEST, async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const retro = 'retros/2025-03-02-redis-failover-checkout-latency.html';
    const paths = ['index.html', 'actions.html', 'owners/amara.html', 'teams/sre.html', retro];
    for (const path of paths) {
      await page.goto(base + path);
      const { count, problems } = await page.evaluate(rowFields);
      assert.ok(count > 0, `${path}: no item rows`);
      assert.deepEqual(problems, [], `${path}: fields off screen or unlabelled`);
    }
    // Rows the filters draw (retrobook.js) are cards with the same labels.
    await page.goto(base + 'actions.html?status=any');
    await page.waitForFunction(() => document.querySelectorAll('#filter-results tbody tr').length > 0,
      null, { timeout: 10000 });
    const filtered = await page.evaluate(rowFields, '#filter-results');
    assert.ok(filtered.count > 0, 'no filtered rows');
    assert.deepEqual(filtered.problems, [], 'filtered rows: fields off screen or unlabelled');
    // The cards are still a table to assistive technology: rows, header cells, cells.
    await page.goto(base + 'actions.html');
    const tree = await page.locator('table.actions-table').first().ariaSnapshot();
    for (const role of ['- table', '- rowgroup', '- row', '- columnheader "Status"', '- cell']) {
      assert.ok(tree.includes(role), `the card table lost its ${role}:\n${tree.slice(0, 600)}`);
    }
    // Retro rows: date, severity and status on screen too.
    await page.goto(base + 'retros/index.html');
    const off = await page.evaluate(() =>
      [...document.querySelectorAll('.retro-table tbody td')]
        .filter((td) => td.getBoundingClientRect().right > innerWidth + 1 || td.getBoundingClientRect().width === 0)
        .map((td) => td.textContent.trim()),
    );
    assert.deepEqual(off, []);
    await context.close();
  });

  it('the header is one compact row with the search box; every index is reachable', TEST, async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(base + 'teams/sre.html');
    const h = await page.evaluate(() => {
      const box = (s) => document.querySelector(s).getBoundingClientRect();
      const [header, brand, nav, search] = ['.site-header', '.brand', '.site-nav', '#site-search'].map(box);
      const current = [...document.querySelectorAll('.site-nav a[aria-current="page"]')].map((a) => a.textContent);
      const indexes = [...document.querySelectorAll('.site-nav a')].map((a) => a.getAttribute('href'));
      return { height: header.height, tops: [brand.top, nav.top, search.top], searchWidth: search.width, current, indexes };
    });
    assert.ok(h.height <= 64, `header is ${h.height}px tall`);
    assert.ok(Math.max(...h.tops) - Math.min(...h.tops) < 16, `brand, nav and search not in one row: ${h.tops}`);
    assert.ok(h.searchWidth >= 100, `search box ${h.searchWidth}px wide`);
    assert.deepEqual(h.current, ['Teams'], 'a team page highlights Teams');
    for (const index of ['services', 'teams', 'owners', 'tags', 'categories']) {
      assert.ok(h.indexes.includes(`../${index}/index.html`), `no header link to ${index}/index.html`);
    }
    for (const [path, name] of [['owners/amara.html', 'Owners'], ['categories/capacity.html', 'Categories']]) {
      await page.goto(base + path);
      const current = await page.locator('.site-nav a[aria-current="page"]').allTextContents();
      assert.deepEqual(current, [name], `${path} highlights ${current}`);
    }
    await context.close();
  });

  it('charts fit the screen, their text is at least 11 px, nothing is clipped', TEST, async () => {
    for (const [site, label] of [[base, 'example'], [null, 'long-span']]) {
      const context = await browser.newContext(PHONE);
      const page = await context.newPage();
      const longServer = site ? null : await serve(LONG);
      const root = site || `http://127.0.0.1:${longServer.address().port}/`;
      await page.goto(root + 'insights.html');
      const charts = await page.evaluate(() =>
        [...document.querySelectorAll('svg.chart-svg')].map((svg) => {
          const box = svg.getBoundingClientRect();
          const texts = [...svg.querySelectorAll('text')].map((t) => {
            const r = t.getBoundingClientRect();
            return { text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize), left: r.left, right: r.right };
          });
          return { id: svg.getAttribute('aria-labelledby'), left: box.left, right: box.right, texts };
        }),
      );
      assert.ok(charts.length >= 5, `${label}: ${charts.length} charts`);
      for (const c of charts) {
        assert.ok(c.right <= 390 && c.left >= 0, `${label} ${c.id}: chart ${c.left}–${c.right}`);
        for (const t of c.texts) {
          assert.ok(t.size >= 11, `${label} ${c.id}: "${t.text}" is ${t.size}px`);
          assert.ok(t.left >= c.left - 1 && t.right <= c.right + 1, `${label} ${c.id}: "${t.text}" clipped (${t.left}–${t.right})`);
        }
      }
      await context.close();
      longServer?.close();
    }
  });

  it('axe passes on phone pages, light and dark (scrollable code blocks focusable)', TEST, async () => {
    for (const colorScheme of ['light', 'dark']) {
      const context = await browser.newContext({ ...PHONE, colorScheme, bypassCSP: true });
      const page = await context.newPage();
      for (const path of ['actions.html', 'insights.html', 'response.html', 'retros/2025-03-02-redis-failover-checkout-latency.html', 'retros/inc-2417-postgres-wal-disk-full.html', 'retros/index.html', 'accountability.html']) {
        await page.goto(base + path);
        await page.addScriptTag({ path: AXE_PATH });
        const results = await page.evaluate(() => axe.run(document, { resultTypes: ['violations'] }));
        const blocking = results.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'scrollable-region-focusable')
          .map((v) => `${v.id}: ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`);
        assert.deepEqual(blocking, [], `${path} (${colorScheme})`);
      }
      await context.close();
    }
  });

  it('dark mode is dark and print keeps plain tables', TEST, async () => {
    const context = await browser.newContext({ ...PHONE, colorScheme: 'dark' });
    const page = await context.newPage();
    await page.goto(base + 'actions.html');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, 'rgb(17, 20, 24)');
    await page.emulateMedia({ media: 'print', colorScheme: 'light' });
    const display = await page.evaluate(() => ({
      table: getComputedStyle(document.querySelector('.actions-table')).display,
      head: getComputedStyle(document.querySelector('.actions-table thead')).display,
      nav: getComputedStyle(document.querySelector('.site-nav')).display,
    }));
    assert.deepEqual(display, { table: 'table', head: 'table-header-group', nav: 'none' });
    await context.close();
  });
});

describe('insights over seven years', () => {
  let browser, server, base;
  before(async () => {
    browser = await chromium.launch(LAUNCH);
    server = await serve(LONG);
    base = `http://127.0.0.1:${server.address().port}/`;
  });
  after(async () => { await browser?.close(); server?.close(); });

  it('every incident is on the over-time chart and in its table', TEST, async () => {
    const page = await browser.newPage();
    await page.goto(base + 'insights.html');
    const counted = await page.evaluate(() => {
      const segments = [...document.querySelectorAll('#chart-over-time ~ figure svg rect')];
      const drawn = segments.map((r) => Number(r.querySelector('title').textContent.match(/: (\d+) /)[1]));
      const totals = [...document.querySelectorAll('#chart-over-time ~ details tbody tr')].map((tr) => Number(tr.lastElementChild.textContent));
      return { drawn: drawn.reduce((a, b) => a + b, 0), table: totals.reduce((a, b) => a + b, 0), rows: totals.length };
    });
    const retros = htmlPages(join(LONG, 'retros')).filter((p) => p !== 'index.html' && !p.startsWith('page/')).length;
    assert.equal(retros, 7);
    assert.deepEqual(counted, { drawn: retros, table: retros, rows: 30 });
    await page.close();
  });

  it('every bar and table link leads to a page of the site listing what it counts', TEST, async () => {
    const page = await browser.newPage();
    await page.goto(base + 'insights.html');
    const links = await page.evaluate(() => [...document.querySelectorAll('main svg a, main details a')].map((a) => ({
      href: a.getAttribute('href'), text: (a.querySelector('.label') || a).textContent.trim(),
    })));
    assert.ok(links.length >= 15, `${links.length} links`);
    for (const { href, text } of links) {
      const response = await page.goto(new URL(href, base).href);
      assert.equal(response.status(), 200, href);
      const h1 = (await page.locator('h1').first().textContent()).trim();
      if (href.startsWith('services/') || href.startsWith('categories/')) {
        assert.equal(h1, text, `${href} is not the page of ${text}`);
      } else if (href.startsWith('search.html?')) {
        // A year's or a severity's retros: the search page filtered by that facet.
        assert.equal(h1, 'Search');
        const want = new URLSearchParams(href.split('?')[1]);
        await page.waitForFunction(() => /result|No results/.test(document.getElementById('search-count').textContent),
          null, { timeout: 10000 });
        const found = await page.evaluate(() => [...document.querySelectorAll('#search-results li')].map((li) => li.textContent));
        assert.ok(found.length > 0, `${href} lists nothing`);
        for (const [facet, value] of want) {
          assert.ok(found.every((t) => t.includes(value)), `${href}: a result without ${facet} ${value}: ${found.join(' | ')}`);
        }
      } else {
        assert.match(href, /^actions\.html\?status=/, href);
        assert.equal(h1, 'Action items');
      }
    }
    await page.close();
  });
});
