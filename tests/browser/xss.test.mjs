// Injection test: every page of the site built from tests/fixtures/xss (script
// tags, event handlers, javascript:/data:/vbscript: URLs, SVG and MathML
// tricks, attribute breakouts and template syntax in every field and in the
// bodies), and its search results, opened in Chromium from file:// and over
// HTTP. Fails if any payload ran: a dialog, a call to alert/confirm/prompt,
// a script element the theme did not put there, an error, or a navigation.
//
//   RETROBOOK_XSS_SITE=/path/to/xss/site node --test xss.test.mjs

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { LAUNCH, serve } from './static-server.mjs';

const SITE = resolve(process.env.RETROBOOK_XSS_SITE || '');
if (!existsSync(join(SITE, 'index.html'))) {
  throw new Error(`${SITE} is not a built site (set RETROBOOK_XSS_SITE)`);
}

function pages(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return pages(path);
    return name.endsWith('.html') ? [relative(SITE, path)] : [];
  }).sort();
}

// Runs before any page script: records every way a payload could announce
// itself, even if a dialog were suppressed.
const TRAP = () => {
  window.__ran = [];
  for (const name of ['alert', 'confirm', 'prompt', 'print', 'open']) {
    const original = window[name];
    window[name] = (...args) => { window.__ran.push(`${name}(${args.join(',')})`); return name === 'open' ? null : original && undefined; };
  }
};

const PAGES = pages(SITE);

for (const mode of ['file', 'http']) {
  describe(`injected markup stays inert over ${mode === 'file' ? 'file://' : 'HTTP'}`, () => {
    let browser, context, server, base;
    before(async () => {
      browser = await chromium.launch(LAUNCH);
      context = await browser.newContext();
      await context.addInitScript(TRAP);
      if (mode === 'file') {
        base = pathToFileURL(SITE).href + '/';
      } else {
        server = await serve(SITE);
        base = `http://127.0.0.1:${server.address().port}/`;
      }
    });
    after(async () => { await browser?.close(); server?.close(); });

    async function visit(path, act) {
      const problems = [];
      const page = await context.newPage();
      page.on('dialog', (d) => { problems.push(`a dialog opened: ${d.message()}`); d.dismiss(); });
      page.on('pageerror', (e) => problems.push(`page error: ${e}`));
      page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`); });
      const url = base + path;
      await page.goto(url, { waitUntil: 'load' });
      if (act) await act(page);
      // Hovering, focusing and clicking is what attribute payloads wait for.
      for (const el of await page.$$('main a, main img, main td, main li, main h1, main h2, main p')) {
        await el.hover({ timeout: 200 }).catch(() => {});
      }
      await page.waitForTimeout(50);
      assert.equal(page.url().split('#')[0].split('?')[0], url.split('#')[0].split('?')[0], `${path} navigated away`);
      const ran = await page.evaluate(() => window.__ran);
      const scripts = await page.$$eval('script', (els) => els.map((s) => s.getAttribute('src') || `inline: ${s.textContent.slice(0, 60)}`));
      // The theme's scripts and the search index's data files, from this site.
      const foreign = scripts.filter((s) => {
        if (s.startsWith('inline: ')) return true;
        // The 404 page's links start at the base URL's path (`/` here), the
        // site's root wherever it is served; from disk, that is `base`.
        const abs = path === '404.html' && s.startsWith('/') ? new URL(s.slice(1), base).href : new URL(s, url).href;
        return !(abs.startsWith(base) &&
          /^(static\/(retrobook|search)\.js|(search|actions\/data)\/[a-z0-9_-]+\.js)$/.test(abs.slice(base.length)));
      });
      const handlers = await page.$$eval('*', (els) => els.flatMap((el) => [...el.attributes]
        .filter((a) => /^on/i.test(a.name) || /^\s*(javascript|vbscript|data:text)/i.test(a.value))
        .map((a) => `<${el.tagName.toLowerCase()} ${a.name}="${a.value.slice(0, 40)}">`)));
      await page.close();
      assert.deepEqual([...problems, ...ran, ...foreign, ...handlers], [], `${path}`);
    }

    it(`has pages to test (${PAGES.length})`, () => {
      assert.ok(PAGES.length >= 15, PAGES.join(', '));
      assert.ok(PAGES.some((p) => p.startsWith('retros/') && p !== 'retros/index.html'));
    });

    it('runs no payload in rows the action filters render', async () => {
      await visit('actions.html?status=any', async (page) => {
        await page.waitForFunction(() => document.querySelectorAll('#filter-results tbody tr').length > 0);
      });
    });

    for (const path of PAGES) {
      it(`runs no payload on ${path}`, async () => { await visit(path); });
    }

    it('runs no payload in search results', async () => {
      for (const q of ['script', 'alert', 'onerror', 'svg', 'javascript', 'payloads']) {
        await visit(`search.html?q=${q}`);
      }
      await visit('index.html', async (page) => {
        for (const q of ['scr', 'alert', 'img', 'owner']) {
          await page.fill('#site-search', '');
          await page.type('#site-search', q, { delay: 5 });
          await page.waitForTimeout(150);
        }
        await page.keyboard.press('ArrowDown');
      });
    });
  });
}
