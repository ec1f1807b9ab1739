// Reviewer's figures on a built site, in a real browser from disk (file://),
// as a reviewer opens it: the action list's load time, size and DOM nodes,
// and the time from a filter change to its results on screen (data files
// loaded on demand included), for filters of each kind.
//
//   node bench/actions_figures.mjs --site /tmp/site [--runs 5]
//
// Needs `npm ci` in tests/browser and Debian's chromium. Prints medians.
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(new URL('../tests/browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const arg = (name, fallback) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : fallback; };
const site = arg('site') && resolve(arg('site'));
const runs = Number(arg('runs', '5'));
if (!site) { console.error('usage: node bench/actions_figures.mjs --site DIR [--runs N]'); process.exit(2); }

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});

// Page loads: a fresh context each time, so nothing is cached.
for (const path of ['index.html', 'actions.html', 'accountability.html']) {
  const loads = [];
  let nodes = 0;
  for (let i = 0; i < runs; i += 1) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(pathToFileURL(join(site, path)).href, { waitUntil: 'load' });
    loads.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd));
    nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
    await context.close();
  }
  const kb = statSync(join(site, path)).size / 1024;
  console.log(`${path}: ${kb.toFixed(0)} KB, ${nodes} DOM elements, loads in ${median(loads).toFixed(0)} ms (median of ${runs})`);
}

// Filter changes: from the change event to the results (or "no match") shown.
const filters = async (page) => {
  const pick = (name, n) => page.$eval(`select[name=${name}]`, (s, k) => s.options[Math.min(k, s.options.length - 1)].value, n);
  return [
    ['status', 'overdue'], ['owner', await pick('owner', 1)], ['team', await pick('team', 1)],
    ['service', await pick('service', 3)], ['severity', 'SEV1'], ['priority', 'high'], ['status', 'done'],
  ];
};
const times = {};
for (let i = 0; i < runs; i += 1) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(pathToFileURL(join(site, 'actions.html')).href, { waitUntil: 'load' });
  if (!(await page.isVisible('#action-filters'))) throw new Error('the filter form did not appear (retrobook.js or its data missing?)');
  for (const [name, value] of (await filters(page)).filter(([, v]) => v)) {
    const ms = await page.evaluate(([name, value]) => new Promise((done) => {
      const form = document.getElementById('action-filters');
      for (const el of form.querySelectorAll('select')) el.value = '';
      const count = form.querySelector('.filter-count');
      count.textContent = '';
      const t0 = performance.now();
      form.elements.namedItem(name).value = value;
      form.dispatchEvent(new Event('change'));
      const poll = () => (/Showing|No action/.test(count.textContent) || performance.now() - t0 > 20000
        ? done(performance.now() - t0) : requestAnimationFrame(poll));
      poll();
    }), [name, value]);
    (times[`${name}=${value}`] ||= []).push(ms);
  }
  await context.close();
}
for (const [filter, ms] of Object.entries(times)) {
  console.log(`filter ${filter}: results in ${median(ms).toFixed(0)} ms (median of ${runs}, data loaded on demand)`);
}
await browser.close();
