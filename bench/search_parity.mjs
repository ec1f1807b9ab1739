// search.js's first screen of results on a built site, over HTTP in
// Chromium, against the Rust evaluator's first ten for the same queries:
//
//   cargo run --release --example search_index -- REPO 2026-11-27 "q1" "q2" … > rust.txt
//   node bench/search_parity.mjs SITE rust.txt
//
// search.js reads the heads of long postings lists first and stops when they
// give a screen of results, so for words found together mostly beyond their
// heads the two may differ after the first few (docs/performance.md says where).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { LAUNCH, serve } from '../tests/browser/static-server.mjs';

const require = createRequire(new URL('../tests/browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const [site, rustFile] = process.argv.slice(2);
if (!site || !rustFile) { console.error('usage: node bench/search_parity.mjs SITE RUST_RESULTS'); process.exit(2); }
const rust = readFileSync(rustFile, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
const server = await serve(resolve(site));
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch(LAUNCH);
let same = 0;
for (const { q, top, count } of rust) {
  const page = await (await browser.newContext()).newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base + 'search.html?q=' + encodeURIComponent(q));
  await page.waitForFunction((query) => document.getElementById('search-results').shownQuery === query, q, { timeout: 60000 });
  const ids = await page.$$eval('#search-results .search-result-title', (a) => a.map((e) => e.getAttribute('href').replace(/^.*\/|\.html$/g, '')));
  // The count once every list was read ("N results"), else "N+ results".
  const shown = await page.textContent('#search-count');
  const complete = /^\d+ results?/.test(shown);
  const ok = JSON.stringify(ids) === JSON.stringify(top) && (!complete || parseInt(shown, 10) === count);
  same += ok;
  console.log(ok ? 'same' : 'DIFF', JSON.stringify(q), `(${shown}; Rust ${count})`,
    ok ? '' : `\n  js   ${ids.join(' ')}\n  rust ${top.join(' ')}`, errors.join(';'));
  await page.close();
}
console.log(`${same} of ${rust.length} identical`);
await browser.close(); server.close();
