// Takes the README's screenshots of a built site, light and dark, on a
// desktop (1280 px) and on a phone (390×844), with Debian's Chromium (the
// browser tests' playwright-core):
//
//   cargo run --release -- build --today 2026-11-27 --out /tmp/rb-site
//   node docs/screenshots.mjs /tmp/rb-site
//
// Run from the repository root after `npm ci` in tests/browser.

import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(join(resolve('tests/browser'), 'package.json'));
const { chromium } = require('playwright-core');

const site = resolve(process.argv[2] || 'site');
const shots = [
  ['home', 'index.html'],
  ['retro', 'retros/2025-03-02-redis-failover-checkout-latency.html'],
  ['actions', 'actions.html'],
  ['accountability', 'accountability.html'],
  ['insights', 'insights.html'],
  ['reliability', 'reliability.html'],
  ['response', 'response.html'],
  // The top of a timeline: the service impact lanes and the first entries.
  ['retro-timeline', 'retros/2026-03-14-checkout-latency-redis-failover.html', '#timeline'],
];
// name suffix, viewport, and which pages
const devices = [
  ['', { width: 1280, height: 1400 }, shots],
  ['-phone', { width: 390, height: 844 }, shots.filter(([name]) => !['accountability', 'reliability', 'response', 'retro-timeline'].includes(name))],
];
const browser = await chromium.launch({
  executablePath: process.env.RETROBOOK_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
for (const [suffix, viewport, pages] of devices) {
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({ viewport, colorScheme: scheme, isMobile: suffix !== '' });
    const page = await context.newPage();
    for (const [name, path, selector] of pages) {
      await page.goto(pathToFileURL(join(site, path)).href);
      const file = `docs/screenshots/${name}${suffix}-${scheme}.png`;
      if (selector) {
        // The element's first 900 px, wherever it is on the page.
        const box = await page.locator(selector).boundingBox();
        const clip = { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, 900) };
        await page.screenshot({ path: file, fullPage: true, clip });
      } else {
        await page.screenshot({ path: file });
      }
    }
    await context.close();
  }
}
await browser.close();
