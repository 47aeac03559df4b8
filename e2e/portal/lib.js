// Shared by the portal's end-to-end tests: the demo's people, a browser, logging in, and the
// checks every visited page gets (axe-core for WCAG 2.1 A and AA, no sideways scrolling at
// 320 px, a screenshot when SCREENSHOT_DIR is set).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

function need(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through scripts/portal-e2e.sh`);
  return value;
}

export const BASE = need('QM_E2E_BASE');
export const PASSWORD = need('QM_E2E_PASSWORD');
export const MUNICIPALITY = 'GM0629';
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR || '';

/** The demo's people, one per kind of organisation (scripts/portal-e2e.sh adds them). */
export const PEOPLE = {
  municipality: { email: 'beleid@wassenaar.example', org: 'Gemeente Wassenaar' },
  corporation: { email: 'data@dwb.example', org: 'De Wassenaarsche Bouwstichting' },
  tenants: { email: 'vrijwilliger@rozenstein.example', org: 'Huurdersvereniging Rozenstein' },
  expiring: { email: 'verlopen@wassenaar.example', org: 'Gemeente Wassenaar' },
};

/** The kinds of organisation as test names say them. */
export const NAMES = { municipality: 'municipality', corporation: 'corporation', tenants: 'tenant association' };

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL' });
  // Every page answers within a second or two here: fail fast rather than wait half a minute.
  context.setDefaultTimeout(8000);
  const page = await context.newPage();
  return { context, page };
}

/**
 * Clicks a form's button and waits until the answer is the page shown and loaded (the old page
 * is still "loaded" right after the click, so waiting for the load state alone races).
 */
export async function submit(page, button) {
  await Promise.all([
    page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()),
    button.click(),
  ]);
  await page.waitForLoadState('load');
}

/** Logs in through the form; the page ends on the person's start page (or the refusal). */
export async function login(page, who, password = PASSWORD) {
  const response = await page.goto(`${BASE}/login`);
  assert.equal(response.status(), 200);
  await page.getByLabel('E-mailadres').fill(who.email);
  await page.getByLabel('Wachtwoord').fill(password);
  await submit(page, page.getByRole('button', { name: 'Inloggen' }));
}

/** Logs out with the header's button; the page ends on the login form. */
export async function logout(page) {
  await submit(page, page.getByRole('button', { name: 'Uitloggen' }));
  assert.match(page.url(), /\/login/);
}

/** Runs axe-core on the page as it is now; fails with the violations listed. */
export async function checkAxe(page, label) {
  // The portal's CSP forbids inline script, so a <script> tag would be blocked; an evaluation
  // through the DevTools protocol is not subject to it.
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    }),
  );
  const described = result.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n` +
      v.nodes
        .slice(0, 5)
        .map((n) => `    ${n.target.join(' ')}: ${n.failureSummary.replace(/\n/g, ' ')}`)
        .join('\n'),
  );
  assert.equal(described.length, 0, `axe-core on ${label} (${page.url()}):\n${described.join('\n')}`);
}

/**
 * At 320 CSS px (WCAG 1.4.10, the same as 1280 px at 400% zoom; 200% zoom is 640 px) the page
 * must not scroll sideways: only a table may, inside its own scrolling wrapper.
 */
export async function checkNarrow(page, label, { tablesMayOverflow = false } = {}) {
  const original = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 640 });
  try {
    const overflow = await page.evaluate((tablesMayOverflow) => {
      const root = document.documentElement;
      const wide = [];
      if (root.scrollWidth > root.clientWidth + 1) {
        // What sticks out: a box past the right edge, or text that does not wrap out of its box
        // (the innermost such element), but for what scrolls inside a table's wrapper.
        const culprits = [];
        for (const el of document.body.querySelectorAll('*')) {
          const excused = el.closest('.table-wrap') || (tablesMayOverflow && el.closest('table'));
          if (excused) continue;
          const box = el.getBoundingClientRect();
          // (In a print document whose tables may overflow, the page spills through them.)
          const spills = !tablesMayOverflow && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible';
          if (box.right > root.clientWidth + 1 || spills) culprits.push(el);
        }
        for (const el of culprits) {
          if (culprits.some((other) => other !== el && el.contains(other))) continue;
          const box = el.getBoundingClientRect();
          const cls = el.getAttribute('class') || ''; // an SVG element's className is not a string
          wide.push(`${el.tagName.toLowerCase()}${cls ? '.' + cls.trim().replace(/\s+/g, '.') : ''} (right edge ${Math.round(box.right)} px, content ${el.scrollWidth} px wide)`);
        }
      }
      return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide: wide.slice(0, 8) };
    }, tablesMayOverflow);
    assert.ok(
      overflow.scrollWidth <= overflow.clientWidth + 1 || (tablesMayOverflow && overflow.wide.length === 0),
      `${label} scrolls sideways at 320 px (${overflow.scrollWidth} > ${overflow.clientWidth}): ${overflow.wide.join(', ')}`,
    );
    // Axe again at phone width: a scrolling region must be reachable by keyboard.
    await checkAxe(page, `${label} at 320 px`);
  } finally {
    await page.setViewportSize(original);
  }
}

/** Saves a screenshot as `${SCREENSHOT_DIR}/${name}.png` when SCREENSHOT_DIR is set. */
export async function screenshot(page, name) {
  if (!SCREENSHOT_DIR) return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * Every page a test visits gets the same checks: a title, axe-core, no sideways scrolling at
 * 320 px (but for the data tables of a print document, when `tablesMayOverflow`); and a
 * screenshot named `shot` when asked.
 */
export async function checkPage(page, label, { shot, tablesMayOverflow = false } = {}) {
  const title = await page.title();
  assert.ok(title.length > 0, `${label} has a title`);
  await checkAxe(page, label);
  await checkNarrow(page, label, { tablesMayOverflow });
  if (shot) await screenshot(page, shot);
}

/** Goes to a path, expects `status`, and checks the page. */
export async function visit(page, pathAndQuery, label, { status = 200, shot } = {}) {
  const response = await page.goto(`${BASE}${pathAndQuery}`);
  assert.equal(response.status(), status, `${label}: ${pathAndQuery} answered ${response.status()}`);
  await checkPage(page, label, { shot });
  return response;
}

/**
 * Makes every session of a person look unused since 2000 (created and last seen), as if the
 * idle and absolute expiry had passed, straight in the database: the service decides expiry
 * from these two times, and waiting for even the shortest idle setting (a minute) is slow.
 */
export function ageSessions(email) {
  const url = need('QM_E2E_DATABASE_URL');
  const sql =
    "UPDATE person_sessions SET created_at = '2000-01-01 00:00:00', last_seen_at = '2000-01-01 00:00:00' " +
    `WHERE person_id IN (SELECT id FROM people WHERE email = '${email.replace(/'/g, "''")}')`;
  if (url.startsWith('sqlite://')) {
    const file = url.slice('sqlite://'.length);
    const script = 'import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nn = c.execute(sys.argv[2]).rowcount\nc.commit()\nprint(n)';
    return Number(execFileSync('python3', ['-c', script, file, sql], { encoding: 'utf8' }).trim());
  }
  const counted = `WITH aged AS (${sql} RETURNING 1) SELECT count(*) FROM aged`;
  return Number(execFileSync('psql', [url, '-qtAc', counted], { encoding: 'utf8' }).trim());
}

/** An answer of the API with the corporation's token (to see what an upload stored). */
export async function apiAsCorporation(request, pathAndQuery) {
  return request.get(`${BASE}${pathAndQuery}`, {
    headers: { Authorization: `Bearer ${need('QM_E2E_DWB_TOKEN')}` },
  });
}

/** Today's date as yyyy-mm-dd (a contract start the ingest takes: not in the future). */
export function today() {
  return new Date().toISOString().slice(0, 10);
}
