// Browser tests of the reviewer's pages: who owes what, and the action list
// with its filters over every item of the repo.
//
//   RETROBOOK_SITE=/path/site RETROBOOK_PAGED_SITE=/path/paged RETROBOOK_BOOK=/path/book.toml \
//     node --test actions.test.mjs
//
// RETROBOOK_PAGED_SITE is the same retros built with a tiny `[build] page_size`,
// so lists span several pages. Expected results come from the site's own JSON
// API (api/actions.json, api/retros.json) and the roster in book.toml, not
// from the pages under test. Pages are opened from disk (file://), where the
// filters must work too.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

for (const name of ['RETROBOOK_SITE', 'RETROBOOK_PAGED_SITE', 'RETROBOOK_BOOK']) {
  if (!process.env[name]) throw new Error(`${name} is not set (see the header of actions.test.mjs)`);
}
const SITE = resolve(process.env.RETROBOOK_SITE);
const PAGED = resolve(process.env.RETROBOOK_PAGED_SITE);
const CHROMIUM = process.env.RETROBOOK_CHROMIUM || '/usr/bin/chromium';
const LAUNCH = {
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic'],
  timeout: 20_000,
};
const TEST = { timeout: 30_000 };
const WAIT = 5_000;

// ---------------------------------------------------------------------------
// The expected answers, from the API and the roster.

const api = JSON.parse(readFileSync(join(SITE, 'api/actions.json'), 'utf8')).action_items;
const severityOf = Object.fromEntries(
  JSON.parse(readFileSync(join(SITE, 'api/retros.json'), 'utf8')).retros.map((r) => [r.id, r.severity]),
);
const teamOf = {};
for (const m of readFileSync(process.env.RETROBOOK_BOOK, 'utf8').matchAll(/^(\w+)\s*=\s*\{[^}]*team\s*=\s*"([^"]+)"/gm)) {
  teamOf[m[1]] = m[2];
}
const items = api.map((a) => ({ ...a, key: `${a.retro}#${a.id}`, severity: severityOf[a.retro], team: teamOf[a.owner] }));
const pending = (a) => a.status === 'open' || a.status === 'in-progress';
const keys = (list) => list.map((a) => a.key).sort();

/** The items each filter state should list, in any order. */
function expected(state) {
  return keys(
    items.filter((a) => {
      if (!state.status && !pending(a)) return false;
      if (state.status === 'overdue' && !a.overdue) return false;
      if (state.status && !['overdue', 'any'].includes(state.status) && a.status !== state.status) return false;
      if (state.owner && a.owner !== state.owner) return false;
      if (state.team && a.owner !== state.team && a.team !== state.team) return false;
      if (state.service && !a.services.includes(state.service)) return false;
      if (state.severity && a.severity !== state.severity) return false;
      if (state.priority && a.priority !== state.priority) return false;
      if (state.kind && a.kind !== state.kind) return false;
      return true;
    }),
  );
}

// ---------------------------------------------------------------------------
// Page helpers.

let browser;
before(async () => {
  browser = await chromium.launch(LAUNCH);
});
after(async () => {
  await browser?.close();
});

async function open(site, path, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(join(site, path)).href + (options.query || ''));
  return { page, errors, close: () => context.close() };
}

/** `retro#id` of the item rows inside `selector`, as shown. */
function rowKeys(page, selector) {
  return page.$$eval(`${selector} .actions-table tbody tr`, (rows) =>
    rows
      .filter((r) => r.checkVisibility())
      .map((r) => {
        const u = new URL(r.querySelector('td a').href);
        return `${decodeURIComponent(u.pathname.split('/').pop().replace(/\.html$/, ''))}#${decodeURIComponent(u.hash.slice(1))}`;
      }),
  );
}

/** Wait for the filter results to settle, pressing "Show more" until all are shown. */
async function filtered(page) {
  await page.waitForFunction(() => /Showing|No action item/.test(document.querySelector('p.filter-count')?.textContent || ''),
    null, { timeout: WAIT });
  for (;;) {
    const more = page.locator('#filter-results button.more');
    if (!(await more.count())) break;
    const before = (await rowKeys(page, '#filter-results')).length;
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll('#filter-results tbody tr').length > n ||
      !document.querySelector('#filter-results button.more'), before, { timeout: WAIT });
  }
  return (await rowKeys(page, '#filter-results')).sort();
}

async function choose(page, state) {
  for (const [name, value] of Object.entries(state)) await page.selectOption(`select[name=${name}]`, value);
}

// ---------------------------------------------------------------------------

describe('who owes what', () => {
  it('the home page shows owners and teams with open and overdue counts, sortable', TEST, async () => {
    const { page, errors, close } = await open(SITE, 'index.html');
    try {
      const owners = page.locator('table.accounts-table').first();
      const rows = await owners.locator('tbody tr').evaluateAll((trs) =>
        trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
      assert.ok(rows.length > 0, 'no owner rows');
      // Each row agrees with the API: open and overdue items of that person.
      const byName = await owners.locator('tbody tr td:first-child a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      for (const [i, href] of byName.entries()) {
        const handle = decodeURIComponent(href.split('/').pop().replace(/\.html$/, ''));
        const mine = items.filter((a) => a.owner === handle && pending(a));
        assert.equal(Number(rows[i][1]), mine.length, `open items of ${handle}`);
        assert.equal(Number(rows[i][2]), mine.filter((a) => a.overdue).length, `overdue items of ${handle}`);
      }
      // Sorting by "Open": largest first, then smallest first.
      const header = owners.locator('thead th').nth(1).locator('button');
      await header.click();
      const open1 = await owners.locator('tbody tr td:nth-child(2)').allTextContents();
      await header.click();
      const open2 = await owners.locator('tbody tr td:nth-child(2)').allTextContents();
      const nums = (l) => l.map(Number);
      assert.ok(nums(open1).every((v, i, a) => i === 0 || a[i - 1] >= v), `not descending: ${open1}`);
      assert.ok(nums(open2).every((v, i, a) => i === 0 || a[i - 1] <= v), `not ascending: ${open2}`);
      assert.equal(await owners.locator('thead th').nth(1).getAttribute('aria-sort'), 'ascending');
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });
});

describe('the action list without JavaScript', () => {
  it('lists every open item page by page, overdue first, and hides the filters', TEST, async () => {
    const { page, close } = await open(PAGED, 'actions.html', { javaScriptEnabled: false });
    try {
      assert.equal(await page.locator('form#action-filters').isVisible(), false);
      const seen = [];
      for (let n = 0; n < 100; n += 1) {
        const rows = await rowKeys(page, '#action-list');
        assert.ok(rows.length <= 4, `page ${n + 1} lists ${rows.length} items with page_size 4`);
        seen.push(...rows);
        const next = page.locator('nav.pager a[rel=next]');
        if (!(await next.count())) break;
        await Promise.all([page.waitForNavigation(), next.click()]);
      }
      assert.deepEqual([...seen].sort(), expected({}), 'the pages together list exactly the open items');
      const overdue = seen.map((k) => items.find((a) => a.key === k).overdue);
      assert.ok(overdue.indexOf(false) === -1 || overdue.slice(overdue.indexOf(false)).every((o) => !o), 'overdue first');
    } finally {
      await close();
    }
  });

  it('closed items are on archive pages, linked from the list', TEST, async () => {
    const { page, close } = await open(SITE, 'actions.html', { javaScriptEnabled: false });
    try {
      const links = await page.locator('p.archives a').evaluateAll((as) => as.map((a) => a.href));
      assert.ok(links.length > 0, 'no archive links');
      const seen = [];
      for (const link of links) {
        await page.goto(link);
        seen.push(...(await rowKeys(page, '#action-list')));
      }
      assert.deepEqual(seen.sort(), keys(items.filter((a) => !pending(a))));
    } finally {
      await close();
    }
  });
});

describe('action filters over every item (file://)', () => {
  const cases = [
    { status: 'overdue' },
    { status: 'done' },
    { status: 'any' },
    { severity: 'SEV1' },
    { priority: 'high' },
    { kind: 'prevent' },
    { status: 'any', kind: 'detect' },
    { status: 'any', severity: 'SEV4', priority: 'low' },
  ];
  for (const state of cases) {
    it(`filters ${JSON.stringify(state)}`, TEST, async () => {
      const { page, errors, close } = await open(PAGED, 'actions.html');
      try {
        await page.locator('form#action-filters').waitFor({ state: 'visible', timeout: WAIT });
        await choose(page, state);
        assert.deepEqual(await filtered(page), expected(state));
        assert.equal(await page.locator('#action-list').isVisible(), false, 'the page list hides while filtering');
        assert.deepEqual(errors, []);
      } finally {
        await close();
      }
    });
  }

  it('an owner, a team and a service, each including items past the first page', TEST, async () => {
    const { page, errors, close } = await open(PAGED, 'actions.html');
    try {
      await page.locator('form#action-filters').waitFor({ state: 'visible', timeout: WAIT });
      const firstPage = new Set(await rowKeys(page, '#action-list'));
      const later = items.find((a) => pending(a) && !firstPage.has(a.key) && a.team);
      assert.ok(later, 'an open item not on the first page');
      for (const state of [{ owner: later.owner }, { team: later.team }, { service: later.services[0] },
        { owner: later.owner, status: 'any' }]) {
        await page.selectOption('select[name=owner]', '');
        await page.selectOption('select[name=team]', '');
        await page.selectOption('select[name=service]', '');
        await page.selectOption('select[name=status]', '');
        await choose(page, state);
        const shown = await filtered(page);
        assert.deepEqual(shown, expected(state), JSON.stringify(state));
        assert.ok(shown.includes(later.key), `${later.key} (not on page 1) is found with ${JSON.stringify(state)}`);
      }
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  it('filtered rows show a due day as a <time> and a month or quarter as written', TEST, async () => {
    const { page, errors, close } = await open(PAGED, 'actions.html');
    try {
      await page.locator('form#action-filters').waitFor({ state: 'visible', timeout: WAIT });
      await choose(page, { status: 'any' });
      await filtered(page);
      const cells = await page.$$eval('#filter-results td.col-due', (tds) =>
        tds.map((td) => ({ text: td.textContent, times: [...td.querySelectorAll('time')].map((t) => t.textContent) })));
      const periods = items.filter((a) => a.due && a.due !== a.due_end).map((a) => a.due);
      assert.ok(periods.length > 0, 'the example retros have items due in a month or a quarter');
      for (const due of periods) assert.ok(cells.some((c) => c.text === due && c.times.length === 0), due);
      // A <time> without `datetime` must hold a valid date (HTML).
      for (const c of cells) for (const t of c.times) assert.match(t, /^\d{4}-\d{2}-\d{2}$/);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  it('the state lives in the URL: a link or a reload restores it', TEST, async () => {
    const owner = items.find((a) => a.overdue).owner;
    const { page, errors, close } = await open(PAGED, 'actions.html', { query: `?status=overdue&owner=${owner}` });
    try {
      await page.locator('form#action-filters').waitFor({ state: 'visible', timeout: WAIT });
      assert.equal(await page.inputValue('select[name=status]'), 'overdue');
      assert.equal(await page.inputValue('select[name=owner]'), owner);
      assert.deepEqual(await filtered(page), expected({ status: 'overdue', owner }));
      await page.selectOption('select[name=owner]', '');
      await page.waitForFunction(() => !new URLSearchParams(location.search).get('owner'), null, { timeout: WAIT });
      await page.reload();
      assert.deepEqual(await filtered(page), expected({ status: 'overdue' }));
      await page.locator('button[type=reset]').click();
      await page.locator('#action-list').waitFor({ state: 'visible', timeout: WAIT });
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });
});

describe('items that disagree with the tracker (PAGED is built with a Jira export)', () => {
  // The paged site's API carries each item's ticket.
  const paged = JSON.parse(readFileSync(join(PAGED, 'api/actions.json'), 'utf8')).action_items
    .map((a) => ({ ...a, key: `${a.retro}#${a.id}` }));
  const disagree = (filter) => keys(paged.filter((a) => a.ticket?.disagrees && filter(a)));

  it('the API says which items disagree, open and closed ones', TEST, () => {
    assert.ok(disagree(pending).length >= 5, 'open items that disagree, over several pages');
    assert.ok(disagree((a) => !pending(a)).length >= 1, 'a closed item that disagrees');
  });

  for (const [state, filter] of [
    [{ tracker: 'disagree' }, pending],
    [{ tracker: 'disagree', status: 'any' }, () => true],
    [{ tracker: 'disagree', status: 'done' }, (a) => a.status === 'done'],
    [{ tracker: 'disagree', status: 'overdue' }, (a) => a.overdue],
  ]) {
    it(`filters ${JSON.stringify(state)}`, TEST, async () => {
      const { page, errors, close } = await open(PAGED, 'actions.html');
      try {
        await page.locator('form#action-filters').waitFor({ state: 'visible', timeout: WAIT });
        await choose(page, state);
        const shown = await filtered(page);
        assert.deepEqual(shown, disagree(filter));
        assert.ok(shown.length > 0, 'the fixture has a match');
        // Every row shows its ticket key, what the tracker says and the marker.
        const cells = await page.locator('#filter-results tbody tr td.col-item .ticket').allTextContents();
        assert.equal(cells.length, shown.length);
        for (const text of cells) assert.match(text, /^[A-Z]+-\d+ (done|wont-do|open)( \d{4}-\d\d-\d\d)? disagrees$/);
        assert.deepEqual(errors, []);
      } finally {
        await close();
      }
    });
  }

  it('an owner\'s items that disagree, from the owner\'s stream', TEST, async () => {
    const item = paged.find((a) => a.ticket?.disagrees && pending(a));
    const { page, errors, close } = await open(PAGED, 'actions.html');
    try {
      await page.locator('form#action-filters').waitFor({ state: 'visible', timeout: WAIT });
      await choose(page, { owner: item.owner, status: 'any', tracker: 'disagree' });
      assert.deepEqual(await filtered(page), disagree((a) => a.owner === item.owner));
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  it('the home page counts them and links to the filtered list', TEST, async () => {
    const { page, errors, close } = await open(PAGED, 'index.html');
    try {
      const link = page.locator('ul.stats a', { hasText: 'disagree with the tracker' });
      assert.equal(Number(await link.locator('.stat-value').textContent()), disagree(() => true).length);
      await Promise.all([page.waitForNavigation(), link.click()]);
      assert.equal(await page.inputValue('select[name=tracker]'), 'disagree');
      assert.deepEqual(await filtered(page), disagree(() => true));
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  it('a retro page shows each ticket, and the link\'s URL when printed', TEST, async () => {
    const item = paged.find((a) => a.ticket?.disagrees);
    const { page, close } = await open(PAGED, `retros/${item.retro}.html`);
    try {
      const ticket = page.locator(`tr[id="${item.id}"] .ticket`);
      assert.match(await ticket.textContent(), new RegExp(`^${item.ticket.key} ${item.ticket.status}.* disagrees$`));
      const link = ticket.locator('a');
      const after = () => link.evaluate((a) => getComputedStyle(a, '::after').content);
      assert.equal(await after(), 'none', 'on screen, the key alone');
      await page.emulateMedia({ media: 'print' });
      assert.equal(await after(), `" (${item.link})"`);
    } finally {
      await close();
    }
  });
});

describe('lists split into pages', () => {
  it('the retro index is paged with previous/next links', TEST, async () => {
    const { page, close } = await open(PAGED, 'retros/index.html', { javaScriptEnabled: false });
    try {
      const retros = JSON.parse(readFileSync(join(SITE, 'api/retros.json'), 'utf8')).retros.length;
      let count = 0;
      for (let n = 0; n < 100; n += 1) {
        const rows = await page.locator('table.retro-table tbody tr').count();
        assert.ok(rows <= 4);
        count += rows;
        const next = page.locator('nav.pager a[rel=next]');
        if (!(await next.count())) break;
        await Promise.all([page.waitForNavigation(), next.click()]);
        assert.ok(await page.locator('nav.pager a[rel=prev]').count(), 'a later page links back');
      }
      assert.equal(count, retros);
    } finally {
      await close();
    }
  });
});

if (!existsSync(join(PAGED, 'actions', '2.html'))) {
  throw new Error(`${PAGED} has no second page of actions: was it built with a small [build] page_size?`);
}
