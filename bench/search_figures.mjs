// Search figures on a built site, in a real browser over HTTP: the bytes and
// files of index a first query loads (meta, shards, tails, catalog chunks),
// in the header's dropdown and for the first screen of search.html, and the
// time from the last keystroke to the results shown once the index is loaded.
//
//   node bench/search_figures.mjs --site /tmp/site [--queries "checkout timeout,us-east-1,INC-4821"]
//
// Needs `npm ci` in tests/browser and Debian's chromium.
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, normalize } from 'node:path';

const require = createRequire(new URL('../tests/browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const arg = (name, fallback) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : fallback; };
const site = arg('site');
// docs/performance.md's query set: words, prefixes, a facet word, an id and words
// found together only beyond their heads.
const queries = arg('queries', ['checkout timeout', 'us-east-1 replication lag', 'alice', 'kafka consumer', 'p99 latency',
  'kafka', 'dns', 'SEV1 payments', 'kafk', 'memory leak api-gateway', '2018-01-01-connection-resets-on-data-warehouse',
  'config drift rollback'].join(',')).split(',');
if (!site) { console.error('usage: node bench/search_figures.mjs --site DIR'); process.exit(2); }

const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '');
  const file = join(site, path || 'index.html');
  if (!existsSync(file) || statSync(file).isDirectory()) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { 'content-type': extname(file) === '.js' ? 'text/javascript' : 'text/html' });
  createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}/`;
const total = readdirSync(join(site, 'search')).reduce((sum, f) => sum + statSync(join(site, 'search', f)).size, 0);
console.log(`index: ${(total / 1e6).toFixed(1)} MB in ${readdirSync(join(site, 'search')).length} files`);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
// The index files a page has loaded so far: count and bytes.
const loaded = (page) => page.evaluate(() => {
  const files = performance.getEntriesByType('resource').filter((e) => e.name.includes('/search/'));
  return { files: files.length, bytes: files.reduce((sum, e) => sum + e.encodedBodySize, 0) };
});
const kb = (b) => `${(b / 1024).toFixed(0)} KB`;
for (const q of queries) {
  // The results page's first screen, in a fresh context (nothing cached).
  const results = await (await browser.newContext()).newPage();
  await results.goto(base + 'search.html?q=' + encodeURIComponent(q));
  await results.waitForFunction((query) => document.getElementById('search-results').shownQuery === query, q, { timeout: 60000 });
  const screen = await loaded(results);
  const shown = await results.$$eval('#search-results .search-result', (e) => e.length);
  await results.click('#search-more').catch(() => {});
  await results.waitForFunction((n) => document.querySelectorAll('#search-results .search-result').length > n, shown, { timeout: 60000 }).catch(() => {});
  const more = await loaded(results);
  await results.close();
  const page = await (await browser.newContext()).newPage();
  await page.goto(base + 'index.html');
  await page.fill('#site-search', q);
  await page.waitForSelector('#site-search-results .search-all', { timeout: 20000 });
  const dropdown = await loaded(page);
  // Once loaded: time from the last keystroke to the new results.
  const times = [];
  for (let i = 0; i < 5; i++) {
    const ms = await page.evaluate((query) => new Promise((resolve) => {
      const input = document.getElementById('site-search');
      const list = document.getElementById('site-search-results');
      const observer = new MutationObserver(() => { if (list.querySelector('.search-all')) { observer.disconnect(); resolve(performance.now() - t0); } });
      list.textContent = '';
      observer.observe(list, { childList: true });
      input.value = query;
      const t0 = performance.now();
      input.dispatchEvent(new Event('input'));
    }), q);
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  const count = await page.textContent('#site-search-results .search-all');
  console.log(`"${q}": dropdown ${kb(dropdown.bytes)} in ${dropdown.files} files; search.html first screen (${shown}) ` +
    `${kb(screen.bytes)} in ${screen.files} files, with "more results" ${kb(more.bytes)} in ${more.files}; ` +
    `results ${times[2].toFixed(0)} ms after the last keystroke (median of 5); ${count}`);
  await page.close();
}
await browser.close();
server.close();
