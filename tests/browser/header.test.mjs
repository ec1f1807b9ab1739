// The header on a desktop (1280×800) and between desktop and phone.
//
//   RETROBOOK_SITE=/path/to/example/site node --test header.test.mjs
//
// On the example site: at 1280 px the title, the navigation and the search
// box share one row (their vertical centres within a few px, the header at
// most 64 px tall, every section link shown), on the home page and a retro
// page; keyboard order and focus still work where the navigation has to
// scroll; at 390 px no page scrolls sideways.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { LAUNCH, serve } from './static-server.mjs';

const SITE = resolve(process.env.RETROBOOK_SITE || '');
const TEST = { timeout: 60_000 };
const RETRO = 'retros/2025-03-02-redis-failover-checkout-latency.html';
const PAGES = ['index.html', RETRO, 'actions.html', 'insights.html'];

/** The header's parts: boxes, vertical centres, and whether the nav or the title is cut. */
function header() {
  const box = (s) => document.querySelector(s).getBoundingClientRect();
  const [head, brand, nav, search] = ['.site-header', '.brand', '.site-nav', '#site-search'].map(box);
  const strip = document.querySelector('.site-nav');
  const title = document.querySelector('.brand');
  return {
    height: head.height,
    centres: [brand, nav, search].map((r) => r.top + r.height / 2),
    lefts: [brand.left, nav.left, search.left],
    rights: [brand.right, nav.right, search.right],
    navCut: strip.scrollWidth > strip.clientWidth,
    titleCut: title.scrollHeight > title.clientHeight + 1,
    pageScroll: document.scrollingElement.scrollWidth - innerWidth,
  };
}

describe('header', () => {
  let browser, server, base;
  before(async () => {
    browser = await chromium.launch(LAUNCH);
    server = await serve(SITE);
    base = `http://127.0.0.1:${server.address().port}/`;
  });
  after(async () => { await browser?.close(); server?.close(); });

  it('at 1280×800 title, navigation and search share one row', TEST, async () => {
    for (const colorScheme of ['light', 'dark']) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme });
      for (const path of PAGES) {
        await page.goto(base + path);
        const h = await page.evaluate(header);
        const where = `${path} (${colorScheme})`;
        assert.ok(Math.max(...h.centres) - Math.min(...h.centres) <= 4, `${where}: not one row: centres ${h.centres}`);
        assert.ok(h.lefts[0] < h.lefts[1] && h.lefts[1] < h.lefts[2], `${where}: order ${h.lefts}`);
        assert.ok(h.rights[0] <= h.lefts[1] && h.rights[1] <= h.lefts[2], `${where}: parts overlap`);
        assert.ok(h.height <= 64, `${where}: header ${h.height}px tall`);
        assert.ok(!h.navCut, `${where}: the navigation scrolls at 1280 px`);
        assert.ok(!h.titleCut, `${where}: the title is cut at 1280 px`);
        assert.equal(h.pageScroll, 0, `${where}: scrolls sideways`);
      }
      await page.close();
    }
  });

  it('between phone and desktop the header stays one row and the keyboard reaches every link', TEST, async () => {
    for (const width of [1024, 800]) {
      const page = await browser.newPage({ viewport: { width, height: 700 } });
      await page.goto(base + 'index.html');
      const h = await page.evaluate(header);
      assert.ok(Math.max(...h.centres) - Math.min(...h.centres) <= 4, `${width}px: not one row: ${h.centres}`);
      assert.ok(h.height <= 64, `${width}px: header ${h.height}px tall`);
      assert.equal(h.pageScroll, 0, `${width}px: scrolls sideways`);
      // Tab order: skip link, title, each section, search; a section the
      // strip hides scrolls into view when focused.
      const links = await page.locator('.site-nav a').count();
      const order = [];
      for (let i = 0; i < links + 3; i++) {
        await page.keyboard.press('Tab');
        order.push(await page.evaluate(() => {
          const e = document.activeElement;
          const strip = document.querySelector('.site-nav').getBoundingClientRect();
          const r = e.getBoundingClientRect();
          const shown = !e.closest('.site-nav') || (r.left >= strip.left - 1 && r.right <= strip.right + 1);
          return `${e.className || e.id || e.tagName}${shown ? '' : ' (hidden)'}`;
        }));
      }
      const expected = ['skip-link', 'brand', ...Array(links).fill('A'), 'site-search'];
      assert.deepEqual(order.map((o) => o.replace(/^$/, 'A')), expected, `${width}px: tab order`);
      await page.close();
    }
  });

  it('at 390 px the header is one row and no page scrolls sideways', TEST, async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    for (const path of PAGES) {
      await page.goto(base + path);
      const h = await page.evaluate(header);
      assert.ok(Math.max(...h.centres) - Math.min(...h.centres) <= 8, `${path}: not one row: ${h.centres}`);
      assert.ok(h.height <= 64, `${path}: header ${h.height}px tall`);
      assert.equal(h.pageScroll, 0, `${path}: scrolls sideways`);
    }
    await page.close();
  });
});
