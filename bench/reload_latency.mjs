// Measure, in a real browser, the time from saving a retro to the open
// page showing the edit (`retrobook serve` live reload).
//
//   node bench/reload_latency.mjs --repo /tmp/corpus-10k [--edits 10] [--gap 300] [--bin target/release/retrobook]
//   node bench/reload_latency.mjs --repo DIR --page actions.html   # a list page: the title of a retro it lists is edited
//
// Needs `npm ci` in tests/browser (playwright-core) and Debian's chromium.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(new URL('../tests/browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const arg = (name, fallback) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : fallback; };
const source = arg('repo');
const edits = Number(arg('edits', '10'));
const bin = arg('bin', 'target/release/retrobook');
const gap = Number(arg('gap', '300')); // ms between an edit shown and the next save
if (!source) { console.error('usage: node bench/reload_latency.mjs --repo DIR'); process.exit(2); }

const work = mkdtempSync(join(tmpdir(), 'rb-reload-'));
const repo = join(work, 'repo');
cpSync(source, repo, { recursive: true });
const files = readdirSync(join(repo, 'retros'), { recursive: true }).filter((f) => f.endsWith('.md')).sort();
const watched = arg('page');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const page = await browser.newPage();
const server = spawn(bin, ['--root', repo, 'serve', '--port', '0', '-q'], { stdio: ['ignore', 'pipe', 'ignore'] });
const url = await new Promise((resolve) => server.stdout.once('data', (d) => resolve(String(d).match(/http:\/\/\S+/)[0])));
const idOf = (f) => readFileSync(join(repo, 'retros', f), 'utf8').match(/^id: (.*)$/m)?.[1] ?? f.replace(/\.md$/, '').split('/').pop();
let file, edit;
if (watched) {
  // A list page: edit the title of the first retro it links to.
  await page.goto(url + watched);
  const first = await page.$eval('main a[href*="retros/"]:not([href$="index.html"])', (a) => a.getAttribute('href').split('/').pop().split('#')[0].replace(/\.html$/, ''));
  file = join(repo, 'retros', files.find((f) => idOf(f) === first));
  // In front of the title: a quoted title stays valid YAML as a plain scalar.
  edit = (text, marker) => text.replace(/^title: (.*)$/m, (_, t) => `title: ${marker} ${t}`);
} else {
  file = join(repo, 'retros', files[Math.floor(files.length / 2)]);
  await page.goto(`${url}retros/${idOf(files[Math.floor(files.length / 2)])}.html`);
  edit = (text, marker) => text.replace(/\n---\n/, `\n---\n${marker}\n\n`);
}
await page.waitForTimeout(500);
const original = readFileSync(file, 'utf8');
const times = [];
for (let i = 0; i < edits; i++) {
  const marker = `reload-marker-${i}`;
  const shown = page.waitForFunction((m) => document.body.textContent.includes(m), marker, { timeout: 15000, polling: 'raf' });
  const t0 = performance.now();
  writeFileSync(file, edit(original, marker));
  await shown;
  times.push(performance.now() - t0);
  await page.waitForTimeout(gap);
}
await browser.close();
server.kill();
rmSync(work, { recursive: true, force: true });
times.sort((a, b) => a - b);
console.log(`${watched || 'the retro page'}: save -> edit shown in the browser: median ${times[Math.floor(times.length / 2)].toFixed(0)} ms, min ${times[0].toFixed(0)}, max ${times.at(-1).toFixed(0)} (n=${times.length})`);
