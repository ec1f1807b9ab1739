// Browser test of `retrobook serve`: an open page reloads by itself after
// an edit, shows the error overlay when an edit breaks a retro, and clears
// it when the retro is fixed.
//
//   RETROBOOK_SERVE_URL=http://127.0.0.1:PORT RETROBOOK_SERVE_ROOT=/repo node --test serve.test.mjs
//
// tests/serve_browser.rs starts the server on a temporary repo and runs this.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const URL = process.env.RETROBOOK_SERVE_URL;
const ROOT = process.env.RETROBOOK_SERVE_ROOT;
if (!URL || !ROOT) {
  throw new Error('RETROBOOK_SERVE_URL and RETROBOOK_SERVE_ROOT must be set (see tests/browser.rs)');
}
const RETRO = join(ROOT, 'retros/2026/draft.md');
const PAGE = `${URL.replace(/\/$/, '')}/retros/draft.html`;

const edit = (from, to) => writeFileSync(RETRO, readFileSync(RETRO, 'utf8').replace(from, to));

describe('serve: live reload and error overlay', () => {
  let browser;
  let page;
  const errors = [];

  before(async () => {
    browser = await chromium.launch({
      executablePath: process.env.RETROBOOK_CHROMIUM || '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error' && !/favicon/.test(m.text())) errors.push(m.text()); });
    await page.goto(PAGE);
    // The live-reload connection is open once the status check has run.
    await page.waitForLoadState('networkidle').catch(() => {});
  });

  after(async () => { await browser?.close(); });

  it('reloads by itself after an edit', { timeout: 30_000 }, async () => {
    assert.match(await page.textContent('h1'), /flaky DNS resolver/);
    const reloaded = page.waitForEvent('load', { timeout: 15_000 });
    const started = Date.now();
    edit('Draft about a flaky DNS resolver', 'Draft about a flaky resolver, edited');
    await reloaded;
    await page.waitForFunction(() => /edited/.test(document.querySelector('h1')?.textContent || ''), null, { timeout: 10_000 });
    console.log(`# save to reloaded page: ${Date.now() - started} ms`);
  });

  it('shows the build error as an overlay, and clears it when fixed', { timeout: 30_000 }, async () => {
    edit('status: draft', 'status: [draft');
    const overlay = page.locator('#retrobook-errors');
    await overlay.waitFor({ state: 'visible', timeout: 15_000 });
    const text = await overlay.textContent();
    assert.match(text, /retros\/2026\/draft\.md:\d+:\d+ yaml-syntax/);
    assert.equal(await page.getAttribute('#retrobook-errors', 'role'), 'alert');

    edit('status: [draft', 'status: draft');
    await overlay.waitFor({ state: 'detached', timeout: 15_000 });
    assert.match(await page.textContent('h1'), /edited/, 'the page still shows the retro');
  });

  it('raised no script errors', () => {
    assert.deepEqual(errors, []);
  });
});
