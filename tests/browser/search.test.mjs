// Browser tests of the site's search, from file:// and over HTTP.
//
//   RETROBOOK_SITE=/path/to/example/site RETROBOOK_XSS_SITE=/path/to/xss/site \
//   RETROBOOK_RELEVANCE=../fixtures/search/relevance.json RETROBOOK_TOKENS=query-terms.json \
//   node --test search.test.mjs
//
// RETROBOOK_SITE is this repository's example retros built; RETROBOOK_XSS_SITE
// the tests/fixtures/xss repo built (tests/browser.rs builds both, and
// writes RETROBOOK_TOKENS: the Rust tokenizer's terms for some queries and
// the Rust evaluator's top 3 for each judged query of RETROBOOK_RELEVANCE).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { LAUNCH, serve } from './static-server.mjs';

const SITE = resolve(process.env.RETROBOOK_SITE || '');
const XSS = resolve(process.env.RETROBOOK_XSS_SITE || '');
for (const dir of [SITE, XSS]) {
  if (!existsSync(join(dir, 'search/meta.js'))) {
    throw new Error(`${dir} is not a built site with a search index (set RETROBOOK_SITE and RETROBOOK_XSS_SITE)`);
  }
}

const RELEVANCE = JSON.parse(readFileSync(process.env.RETROBOOK_RELEVANCE || '', 'utf8'));
const RUST = JSON.parse(readFileSync(process.env.RETROBOOK_TOKENS || '', 'utf8'));

async function typeAndWait(page, text) {
  await page.fill('#site-search', '');
  await page.type('#site-search', text, { delay: 10 });
  // The list answers this query, not one typed on the way to it.
  await page.waitForFunction((q) => {
    const list = document.getElementById('site-search-results');
    return !list.hidden && list.shownQuery === q && list.querySelector('.search-all');
  }, text, { timeout: 8000 });
}

const titles = (page, sel) => page.$$eval(sel, (els) => els.map((e) => e.textContent));

for (const mode of ['file', 'http']) {
  describe(`search over ${mode === 'file' ? 'file://' : 'HTTP'}`, () => {
    let browser, context, servers = [], base, xssBase;
    const errors = [];
    before(async () => {
      browser = await chromium.launch(LAUNCH);
      context = await browser.newContext();
      if (mode === 'file') {
        base = pathToFileURL(SITE).href + '/';
        xssBase = pathToFileURL(XSS).href + '/';
      } else {
        servers = [await serve(SITE), await serve(XSS)];
        base = `http://127.0.0.1:${servers[0].address().port}/`;
        xssBase = `http://127.0.0.1:${servers[1].address().port}/`;
      }
    });
    after(async () => { await browser?.close(); servers.forEach((s) => s.close()); });

    async function open(url) {
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(`${url}: ${e}`));
      page.on('console', (m) => { if (m.type() === 'error') { errors.push(`${url}: ${m.text()}`); } });
      page.on('dialog', (d) => { errors.push(`${url}: a dialog opened: ${d.message()}`); d.dismiss(); });
      await page.goto(url);
      return page;
    }

    it('finds whole words, prefixes, hyphenated keys and people as you type', { timeout: 30000 }, async () => {
      const page = await open(base + 'retros/index.html');
      for (const [query, expected] of [
        ['etcd', 'Kubernetes API latency during a control-plane upgrade stalled autoscaling'],
        ['kafka rolli', 'Rolling Kafka restart shrank ISRs and dropped order confirmation emails'],
        ['eu-west-1', 'Checkout cart writes failed after a Redis Sentinel failover in eu-west-1'],
        ['INC-2298', 'Checkout cart writes failed after a Redis Sentinel failover in eu-west-1'],
      ]) {
        await typeAndWait(page, query);
        const found = await titles(page, '#site-search-results .search-result-title');
        assert.equal(found[0], expected, `${query}: ${found.join(' | ')}`);
      }
      await typeAndWait(page, 'Haddad');
      assert.ok((await titles(page, '#site-search-results .search-result-title')).length >= 2, 'a person by name');
      await page.close();
    });

    it('highlights the matched words in titles and snippets', { timeout: 30000 }, async () => {
      const page = await open(base + 'index.html');
      await typeAndWait(page, 'redis');
      const marks = await page.$$eval('#site-search-results mark', (els) => els.map((e) => e.textContent.toLowerCase()));
      assert.ok(marks.length >= 2, 'some words are marked');
      assert.ok(marks.every((m) => m.includes('redis')), marks.join(','));
      await page.close();
    });

    it('is keyboard driven: / focuses, arrows move, Enter opens', { timeout: 30000 }, async () => {
      const page = await open(base + 'insights.html');
      await page.keyboard.press('/');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'site-search');
      await page.keyboard.type('wal replication slot');
      await page.waitForSelector('#site-search-results [role=option]');
      await page.keyboard.press('ArrowDown');
      const selected = await page.$eval('#site-search-results [aria-selected=true] .search-result-title', (e) => e.textContent);
      assert.equal(await page.getAttribute('#site-search', 'aria-activedescendant'), 'site-search-option-0');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      assert.equal((await page.textContent('h1')).trim(), selected.trim());
      await page.close();
    });

    it('has a results page reachable by URL, with facets', { timeout: 30000 }, async () => {
      const page = await open(base + 'search.html?q=redis&severity=SEV2');
      await page.waitForFunction(() => /\d+ result/.test(document.getElementById('search-count').textContent), null, { timeout: 8000 });
      const sevs = await page.$$eval('#search-results .badge', (els) => els.map((e) => e.textContent));
      assert.ok(sevs.length >= 1 && sevs.every((s) => s === 'SEV2'), sevs.join(','));
      assert.equal(await page.inputValue('#search-page-q'), 'redis');
      assert.equal(await page.inputValue('select[name=severity]'), 'SEV2');
      const before = await page.textContent('#search-count');
      await page.selectOption('select[name=year]', '2026');
      await page.waitForFunction(() => location.search.includes('year=2026'));
      // Results re-render asynchronously: wait for the narrowed list.
      await page.waitForFunction((b) => document.getElementById('search-count').textContent !== b, before, { timeout: 8000 });
      const dates = await page.$$eval('#search-results .meta', (els) => els.map((e) => e.textContent.slice(0, 4)));
      assert.ok(dates.length >= 1 && dates.every((d) => d === '2026'), dates.join(','));
      await page.close();
    });

    it('ranks the judged relevance set as judged, and as the Rust evaluator does', { timeout: 60000 }, async () => {
      const page = await open(base + 'search.html');
      await page.waitForSelector('select[name=severity]');
      let first = 0;
      const misses = [];
      for (const { q, best, only } of RELEVANCE.queries) {
        await page.fill('#search-page-q', q);
        await page.waitForFunction((query) => document.getElementById('search-results').shownQuery === query, q, { timeout: 8000 });
        const results = await page.$$eval('#search-results .search-result', (items) => items.map((item) => ({
          id: item.querySelector('a').getAttribute('href').replace(/^.*\/|\.html$/g, ''),
          severity: item.querySelector('.badge').textContent,
          meta: item.querySelector('.meta').textContent,
        })));
        const top = results.slice(0, 3).map((r) => r.id);
        assert.deepEqual(top, RUST.top[q], `${q}: search.js ranks ${top}, the Rust evaluator ${RUST.top[q]}`);
        if (only?.severity) { assert.ok(results.every((r) => r.severity === only.severity), `${q}: ${results.map((r) => r.severity)}`); }
        if (only?.status) { assert.ok(results.every((r) => r.meta.includes(` · ${only.status}`)), `${q}: ${results.map((r) => r.meta)}`); }
        const at = top.indexOf(best);
        if (at === 0) { first += 1; } else if (at < 0) { misses.push(`${q}: ${best} not in ${top}`); }
      }
      assert.deepEqual(misses, []);
      assert.ok(first / RELEVANCE.queries.length >= RELEVANCE.min_top1, `${first} of ${RELEVANCE.queries.length} at rank 1`);
      await page.close();
    });

    it('tokenizes queries as the Rust tokenizer does', async () => {
      const page = await open(base + 'index.html');
      const got = await page.evaluate((pairs) => pairs.map(([q]) => window.__rbs.terms(q)), RUST.terms);
      RUST.terms.forEach(([q, terms], i) => assert.deepEqual(got[i], terms, q));
      await page.close();
    });

    it('says "No results" without a link, and SEV1 finds only SEV1 retros', { timeout: 30000 }, async () => {
      const page = await open(base + 'index.html');
      await typeAndWait(page, 'zzqxnothing');
      assert.equal(await page.$eval('#site-search-results .search-all', (e) => e.tagName), 'P');
      assert.equal(await page.$$eval('#site-search-results a', (e) => e.length), 0);
      await typeAndWait(page, 'SEV1');
      const sevs = await page.$$eval('#site-search-results .badge', (els) => els.map((e) => e.textContent));
      assert.ok(sevs.length >= 2 && sevs.every((s) => s === 'SEV1'), sevs.join(','));
      await page.close();
    });

    it('shows one screen of results and more when asked', { timeout: 30000 }, async () => {
      const page = await open(base + 'search.html?q=incident');
      await page.waitForFunction(() => document.getElementById('search-results').shownQuery === 'incident', null, { timeout: 8000 });
      assert.equal(await page.$$eval('#search-results .search-result', (e) => e.length), 10);
      assert.ok(await page.isVisible('#search-more'));
      await page.click('#search-more');
      await page.waitForFunction(() => document.querySelectorAll('#search-results .search-result').length > 10, null, { timeout: 8000 });
      const count = await page.$$eval('#search-results .search-result', (e) => e.length);
      assert.match(await page.textContent('#search-count'), new RegExp(`^${count} results`));
      assert.ok(await page.isHidden('#search-more'), 'every result shown');
      const focused = await page.evaluate(() => document.activeElement.closest('li') === document.querySelectorAll('#search-results li')[10]);
      assert.ok(focused, 'focus moves to the first new result');
      await page.close();
    });

    it('keeps injected markup in indexed text as text', { timeout: 30000 }, async () => {
      const page = await open(xssBase + 'search.html?q=script');
      await page.waitForFunction(() => /\d+ result/.test(document.getElementById('search-count').textContent), null, { timeout: 8000 });
      const title = await page.textContent('#search-results .search-result-title');
      assert.match(title, /<script>alert\('title'\)<\/script>/);
      assert.equal(await page.$$eval('#search-results script, #search-results img, #search-results iframe', (e) => e.length), 0);
      await page.close();
    });

    it('raised no script errors', () => {
      assert.deepEqual(errors, []);
    });
  });
}
