// Browser tests for a site built by retrobook.
//
//   RETROBOOK_SITE=/path/to/built/site node --test site.test.mjs
//
// Every check runs twice: once on file:// URLs (the site opened straight from
// disk) and once over HTTP from a small static server started here on
// 127.0.0.1. Uses playwright-core with the system Chromium (no browser
// download) and axe-core for accessibility scans. See README.md.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

// ---------------------------------------------------------------------------
// Configuration

const SITE_ENV = process.env.RETROBOOK_SITE;
if (!SITE_ENV) {
  throw new Error(
    'RETROBOOK_SITE is not set. Build a site first and point the tests at it, e.g.\n' +
      '  retrobook --root . build --out /tmp/rb-site\n' +
      '  RETROBOOK_SITE=/tmp/rb-site node --test site.test.mjs',
  );
}
const SITE = resolve(SITE_ENV);
if (!existsSync(join(SITE, 'index.html'))) {
  throw new Error(`RETROBOOK_SITE=${SITE_ENV} does not look like a built site: ${join(SITE, 'index.html')} is missing`);
}

const CHROMIUM = process.env.RETROBOOK_CHROMIUM || '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  throw new Error(`Chromium not found at ${CHROMIUM} (install Debian's chromium package, or set RETROBOOK_CHROMIUM)`);
}
const LAUNCH = {
  executablePath: CHROMIUM,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
  timeout: 20_000,
};

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const TEST = { timeout: 30_000 };
const ACTION_TIMEOUT = 8_000; // per Playwright action / wait
const SETTLE_MS = 150; // let late async errors surface after `load`
const FORM_WAIT = 1_500; // the deferred script has run by `load`; a little slack on top
const PARALLEL = 3; // pages scanned at once within one browser (2-core machines)

// The page types every suite checks. A string is a fixed path in the site;
// `from`/`dir` means "the first link in `from` to a page under `dir`/".
const PAGES = [
  ['home', 'index.html'],
  ['retro list', 'retros/index.html'],
  ['retro page', { from: 'retros/index.html', dir: 'retros' }],
  ['action items', 'actions.html'],
  ['insights', 'insights.html'],
  ['reliability', 'reliability.html'],
  ['retro page with service impact', 'retros/2026-03-14-checkout-latency-redis-failover.html'],
  ['vendor list', 'vendors/index.html'],
  ['vendor page', { from: 'vendors/index.html', dir: 'vendors' }],
  ['response', 'response.html'],
  ['owner list', 'owners/index.html'],
  ['owner page', { from: 'owners/index.html', dir: 'owners' }],
  ['service list', 'services/index.html'],
  ['service page', { from: 'services/index.html', dir: 'services' }],
  ['tag list', 'tags/index.html'],
  ['category list', 'categories/index.html'],
  ['404 page', '404.html'],
  ['search page', 'search.html?q=redis'],
];

// ---------------------------------------------------------------------------
// Static server for the HTTP suite

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.ico': 'image/x-icon',
};

function startServer(root) {
  const server = createServer((req, res) => {
    const send = (status, file) => {
      const type = CONTENT_TYPES[extname(file).toLowerCase()] || 'application/octet-stream';
      res.writeHead(status, {
        'Content-Type': type,
        'Content-Length': statSync(file).size,
        'Cache-Control': 'no-store',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
    };
    const notFound = () => {
      const page = join(root, '404.html');
      if (existsSync(page)) return send(404, page);
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('404 Not Found\n');
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      return res.end();
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      res.writeHead(400);
      return res.end();
    }
    const file = normalize(join(root, pathname));
    if (file !== root && !file.startsWith(root + sep)) return notFound();
    let stat;
    try {
      stat = statSync(file);
    } catch {
      return notFound();
    }
    if (stat.isDirectory()) {
      if (!pathname.endsWith('/')) {
        res.writeHead(301, { Location: pathname + '/' });
        return res.end();
      }
      const index = join(file, 'index.html');
      return existsSync(index) ? send(200, index) : notFound();
    }
    return send(200, file);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok(server));
  });
}

// ---------------------------------------------------------------------------
// Helpers

// One context per browser and set of options, shared by the tests (a new page
// each); a fresh context per test costs a renderer start, which adds up on 2 cores.
// The site keeps its filter state in the URL only, so sharing is safe.
const sharedContexts = new WeakMap();

function contextFor(browser, contextOptions) {
  if (!sharedContexts.has(browser)) sharedContexts.set(browser, new Map());
  const byKey = sharedContexts.get(browser);
  const key = JSON.stringify(contextOptions);
  if (!byKey.has(key)) {
    byKey.set(
      key,
      browser.newContext(contextOptions).then((context) => {
        context.setDefaultTimeout(ACTION_TIMEOUT);
        context.setDefaultNavigationTimeout(15_000);
        return context;
      }),
    );
  }
  return byKey.get(key);
}

/** Opens a new page, records console errors and uncaught page errors. */
async function openPage(browser, contextOptions = {}) {
  const context = await contextFor(browser, contextOptions);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location();
    // Chromium asks for /favicon.ico on its own over HTTP (not on file://, and only
    // for some pages); a 404 for it is the browser's request, not the page's.
    if (loc && /^https?:\/\/[^/]+\/favicon\.ico$/.test(loc.url || '')) return;
    const where = loc && loc.url ? ` (${loc.url}${loc.lineNumber ? `:${loc.lineNumber + 1}` : ''})` : '';
    errors.push(`console.error: ${msg.text()}${where}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return { context, page, errors };
}

async function withPage(browser, contextOptions, fn) {
  const handle = await openPage(browser, contextOptions);
  try {
    return await fn(handle);
  } finally {
    await handle.page.close().catch(() => {});
  }
}

function formatViolations(violations) {
  return violations
    .map((v) => {
      const targets = v.nodes
        .slice(0, 3)
        .map((n) => `      ${n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' >>> ')}`)
        .join('\n');
      const more = v.nodes.length > 3 ? `\n      … ${v.nodes.length - 3} more node(s)` : '';
      const summary = (v.nodes[0]?.failureSummary || '').split('\n').map((l) => l.trim()).filter(Boolean).slice(1, 2)[0];
      return (
        `  - ${v.id} [${v.impact}] ${v.help} (${v.nodes.length} node(s))\n${targets}${more}` +
        (summary ? `\n      first node: ${summary}` : '') +
        `\n      ${v.helpUrl}`
      );
    })
    .join('\n');
}

// ---------------------------------------------------------------------------
// The suite, run once per transport

function siteSuite(label, setup, pages = PAGES) {
  describe(label, () => {
    let browser;
    let base; // URL of the site root, ending in '/'
    let teardown = async () => {};
    const resolved = new Map();

    before(async () => {
      ({ base, teardown } = await setup());
      browser = await chromium.launch(LAUNCH);
    });

    after(async () => {
      await browser?.close().catch(() => {});
      await teardown();
    });

    const url = (path) => new URL(path, base).href;

    /** Site-relative path of a page from PAGES, resolving "first link" entries with the browser. */
    async function pagePath(name) {
      const spec = PAGES.find(([n]) => n === name)[1];
      if (typeof spec === 'string') return spec;
      if (!resolved.has(name)) {
        const found = await withPage(browser, {}, async ({ page }) => {
          await page.goto(url(spec.from));
          return page.evaluate(
            ({ dir, base }) => {
              for (const a of document.querySelectorAll('main a[href]')) {
                const u = new URL(a.href);
                u.hash = '';
                u.search = '';
                if (!u.href.startsWith(base)) continue;
                const rel = u.href.slice(base.length);
                if (new RegExp(`^${dir}/[^/]+\\.html$`).test(rel) && rel !== `${dir}/index.html`) return rel;
              }
              return null;
            },
            { dir: spec.dir, base },
          );
        });
        assert.ok(found, `${spec.from} has no link (inside <main>) to a page under ${spec.dir}/`);
        resolved.set(name, found);
      }
      return resolved.get(name);
    }

    /** Every retro page linked from retros/index.html, in order. */
    async function retroPaths(page) {
      await page.goto(url('retros/index.html'));
      return page.evaluate((base) => {
        const out = [];
        for (const a of document.querySelectorAll('main a[href]')) {
          const u = new URL(a.href);
          u.hash = '';
          u.search = '';
          const rel = u.href.startsWith(base) ? u.href.slice(base.length) : '';
          if (/^retros\/[^/]+\.html$/.test(rel) && rel !== 'retros/index.html' && !out.includes(rel)) out.push(rel);
        }
        return out;
      }, base);
    }

    // a. ------------------------------------------------------------------
    describe('pages load without console errors or page errors', { concurrency: PARALLEL }, () => {
      for (const [name] of pages) {
        it(name, TEST, async () => {
          const path = await pagePath(name);
          await withPage(browser, {}, async ({ page, errors }) => {
            const response = await page.goto(url(path));
            await page.waitForTimeout(SETTLE_MS);
            if (response && base.startsWith('http')) {
              assert.equal(response.status(), 200, `${path}: HTTP status`);
            }
            assert.ok(await page.locator('h1').first().isVisible(), `${path}: no visible <h1>`);
            assert.deepEqual(errors, [], `${path} (${label}) logged errors:\n  ${errors.join('\n  ')}`);
          });
        });
      }
    });

    // b. ------------------------------------------------------------------
    describe('accessibility: no serious or critical axe violations', { concurrency: PARALLEL }, () => {
      for (const scheme of ['light', 'dark']) {
        for (const [name] of pages) {
          it(`${name} (${scheme})`, TEST, async (t) => {
            const path = await pagePath(name);
            // bypassCSP: axe is injected as an inline script, which a site CSP would block.
            await withPage(browser, { bypassCSP: true }, async ({ page }) => {
              await page.emulateMedia({ colorScheme: scheme });
              await page.goto(url(path));
              await page.addScriptTag({ path: AXE_PATH });
              const results = await page.evaluate(() =>
                // eslint-disable-next-line no-undef
                axe.run(document, { resultTypes: ['violations'] }),
              );
              const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
              const minor = results.violations.filter((v) => !blocking.includes(v));
              if (minor.length) {
                t.diagnostic(`${path} (${scheme}): ${minor.length} minor/moderate violation(s):\n${formatViolations(minor)}`);
              }
              let hint = '';
              if (scheme === 'dark' && blocking.some((v) => v.id === 'color-contrast')) {
                const transparent = await page.evaluate(() =>
                  [document.documentElement, document.body].every((e) => {
                    const c = getComputedStyle(e).backgroundColor;
                    return c === 'transparent' || /^rgba\(.*,\s*0\)$/.test(c);
                  }),
                );
                if (transparent) {
                  hint =
                    '\n  hint: neither <html> nor <body> has a background-color in dark mode. axe then measures ' +
                    'against white (axe-core issues #3605/#4608), not the dark canvas the browser paints; ' +
                    'the theme should set an explicit dark background-color.';
                }
              }
              assert.ok(
                blocking.length === 0,
                `axe: ${blocking.length} serious/critical violation(s) on ${path} ` +
                  `(${scheme} mode, ${label}):\n${formatViolations(blocking)}${hint}`,
              );
            });
          });
        }
      }
    });

    // d. ------------------------------------------------------------------
    describe('links', () => {
      /** Clicks `link` and waits until the page is at its target (without the fragment). */
      async function follow(page, link) {
        const href = await link.evaluate((a) => a.href);
        const target = href.replace(/#.*$/, '');
        await link.click();
        await page.waitForURL((u) => u.href.replace(/#.*$/, '') === target, { waitUntil: 'load' });
        return target;
      }

      it('retro list → first retro page', TEST, async () => {
        await withPage(browser, {}, async ({ page, errors }) => {
          const expected = url(await pagePath('retro page'));
          await page.goto(url('retros/index.html'));
          const links = page.locator('main a[href]');
          const i = await links.evaluateAll((as, exp) => as.findIndex((a) => a.href.replace(/#.*$/, '') === exp), expected);
          assert.ok(i >= 0, `no link to ${expected} in retros/index.html`);
          const link = links.nth(i);
          const landed = await follow(page, link);
          assert.equal(landed, expected);
          assert.ok(await page.locator('h1#retro-title').isVisible(), `${landed} has no visible h1#retro-title`);
          assert.deepEqual(errors, []);
        });
      });

      it('"Related retrospectives" link → another retro page', TEST, async () => {
        await withPage(browser, {}, async ({ page, errors }) => {
          const candidates = await retroPaths(page);
          assert.ok(candidates.length > 0, 'retros/index.html links to no retro page');
          let from = null;
          for (const path of candidates) {
            await page.goto(url(path));
            if (await page.locator('#related a[href]').count()) {
              from = path;
              break;
            }
          }
          assert.ok(from, `none of the ${candidates.length} retro pages has a link in a #related section`);
          const link = page.locator('#related ul.related a[href], #related a[href]').first();
          const landed = await follow(page, link);
          assert.notEqual(landed, url(from), `the first related link of ${from} points to itself`);
          assert.match(landed.slice(base.length), /^retros\/[^/]+\.html$/, `related link of ${from} leads outside retros/: ${landed}`);
          assert.ok(await page.locator('h1#retro-title').isVisible(), `${landed} (related from ${from}) has no visible h1#retro-title`);
          assert.deepEqual(errors, []);
        });
      });

      it('home page "open action items" stat → actions.html', TEST, async () => {
        await withPage(browser, {}, async ({ page, errors }) => {
          await page.goto(url('index.html'));
          const link = page.getByRole('link', { name: /open action items/i }).first();
          assert.ok(await link.count(), 'index.html has no link named "… open action items"');
          const landed = await follow(page, link);
          assert.equal(landed, url('actions.html'));
          assert.ok(await page.locator('.actions-table tbody tr').count(), 'landed on actions.html without action rows');
          assert.deepEqual(errors, []);
        });
      });
    });

    // e. ------------------------------------------------------------------
    describe('print stylesheet', () => {
      it('retro page hides the site navigation and keeps the title', TEST, async () => {
        await withPage(browser, {}, async ({ page }) => {
          const path = await pagePath('retro page');
          await page.goto(url(path));
          const state = () =>
            page.evaluate(() => {
              const rendered = (el) => {
                if (!el) return false;
                for (let e = el; e; e = e.parentElement) {
                  const cs = getComputedStyle(e);
                  if (cs.display === 'none' || cs.visibility === 'hidden') return false;
                }
                return el.checkVisibility({ visibilityProperty: true, checkVisibilityCSS: true });
              };
              const nav = document.querySelector('nav.site-nav');
              const h1 = document.querySelector('main h1');
              const s = nav && getComputedStyle(nav);
              return {
                hasNav: !!nav,
                navShown: rendered(nav),
                navStyle: s ? `display:${s.display}; visibility:${s.visibility}` : null,
                hasH1: !!h1,
                h1Shown: rendered(h1) && h1.getBoundingClientRect().height > 0,
              };
            });
          const screen = await state();
          assert.ok(screen.hasNav, `${path} has no nav.site-nav`);
          assert.ok(screen.navShown, `nav.site-nav should be visible on screen (${screen.navStyle})`);
          await page.emulateMedia({ media: 'print' });
          const print = await state();
          assert.equal(print.navShown, false, `nav.site-nav is still shown in print (${print.navStyle})`);
          assert.ok(print.hasH1 && print.h1Shown, `${path}: main h1 is not visible in print`);
        });
      });
    });
  });
}

// ---------------------------------------------------------------------------

// The 404 page is only ever served over HTTP, for a missing URL at any
// depth: its links start at the base URL's path, which a file:// URL lacks.
siteSuite(
  'file:// URLs',
  async () => ({
    base: pathToFileURL(SITE).href.replace(/\/?$/, '/'),
    teardown: async () => {},
  }),
  PAGES.filter(([name]) => name !== '404 page'),
);

siteSuite('HTTP (local static server)', async () => {
  const server = await startServer(SITE);
  const { port } = server.address();
  return {
    base: `http://127.0.0.1:${port}/`,
    teardown: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
});

describe('HTTP server serves 404.html for missing pages', () => {
  let server;
  let base;
  before(async () => {
    server = await startServer(SITE);
    base = `http://127.0.0.1:${server.address().port}/`;
  });
  after(() => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }));

  it('missing page → status 404 with the 404 page', TEST, async () => {
    const res = await fetch(base + 'no-such-page.html');
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') || '', /^text\/html/);
    const body = await res.text();
    assert.match(body, /<h1[^>]*>/, 'the 404 response has no <h1>');
  });

  it('served for a missing nested URL, the 404 page is styled and its links work', TEST, async () => {
    const browser = await chromium.launch(LAUNCH);
    try {
      const page = await browser.newPage();
      const res = await page.goto(base + 'retros/no/such/page.html');
      assert.equal(res.status(), 404);
      const state = await page.evaluate(() => ({
        styled: [...document.styleSheets].some((s) => s.cssRules.length > 0),
        background: getComputedStyle(document.querySelector('.site-header')).backgroundColor,
        retros: document.querySelector('.site-nav a').href,
      }));
      assert.ok(state.styled, 'the stylesheet did not load');
      assert.notEqual(state.background, 'rgba(0, 0, 0, 0)', 'the header is unstyled');
      assert.equal(state.retros, base + 'retros/index.html');
      await page.click('main a[href$="retros/index.html"]');
      await page.waitForURL(base + 'retros/index.html');
      assert.ok(await page.locator('h1').isVisible());
    } finally {
      await browser.close();
    }
  });

  it('content types', TEST, async () => {
    for (const [path, type] of [
      ['index.html', 'text/html'],
      ['static/style.css', 'text/css'],
      ['static/retrobook.js', 'text/javascript'],
    ]) {
      const res = await fetch(base + path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') || '', new RegExp(`^${type.replace('/', '\\/')}`), path);
      await res.arrayBuffer();
    }
  });
});
