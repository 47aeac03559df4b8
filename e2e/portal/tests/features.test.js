// Pages built beside this suite (what-if, publishing and share links, API tokens): each test is
// skipped, saying why, while its page answers 404, and runs once the page is there. Their pages
// in the navigation are also covered by pages.test.js (axe-core, phone width, screenshots, and
// the tenant association's crawl for small numbers).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BASE, MUNICIPALITY, submit, PEOPLE, checkPage, launch, login, newPage, visit,
} from '../lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The first of `paths` the service has (not 404), or null. */
async function existing(page, paths) {
  for (const p of paths) {
    const response = await page.request.get(`${BASE}${p}`, { maxRedirects: 0 });
    if (response.status() !== 404) return p;
  }
  return null;
}

/** The figures of the overview as text, to see that nothing changed. */
async function overviewFigures(page) {
  await page.goto(`${BASE}/municipalities/${MUNICIPALITY}`);
  return page.locator('main table').first().innerText();
}

describe('what if', () => {
  for (const kind of ['municipality', 'corporation']) {
    test(`the ${kind} enters planned lettings and sees the states they would give, nothing stored`, async (t) => {
      const { context, page } = await newPage(browser);
      await login(page, PEOPLE[kind]);
      const where = await existing(page, ['/what-if', `/municipalities/${MUNICIPALITY}/what-if`]);
      if (!where) {
        t.skip('no what-if page yet (/what-if answers 404)');
        await context.close();
        return;
      }
      const before = await overviewFigures(page);
      await visit(page, where, `${kind}: what-if`, { shot: `${kind}-what-if` });
      const form = page.locator('main form').first();
      const numbers = form.locator('input[type="number"]');
      const n = await numbers.count();
      assert.ok(n >= 1, 'the what-if form has number fields');
      // The example: three lettings, two of them urgent, one above the income limit
      // (the fields in that order: in total, urgent, above the income limit, ...).
      const values = ['3', '2', '1'];
      for (let i = 0; i < Math.min(n, values.length); i++) await numbers.nth(i).fill(values[i]);
      await submit(page, form.locator('button[type="submit"]').first());
      assert.ok(
        (await page.locator('main table').count()) > 0,
        'the states and headroom are shown as a table',
      );
      await checkPage(page, `${kind}: what-if result`, { shot: `${kind}-what-if-result` });
      assert.equal(await overviewFigures(page), before, 'the what-if stored nothing');
      await context.close();
    });
  }
});

describe('share links', () => {
  test('the municipality publishes a report and opens it through its share link, logged out', async (t) => {
    const { context, page } = await newPage(browser);
    await login(page, PEOPLE.municipality);
    await page.goto(`${BASE}/municipalities/${MUNICIPALITY}/reports`);
    const buttons = page.getByRole('button', { name: /^(publiceren|publish) \d{4}-H[12]$/i });
    if ((await buttons.count()) === 0) {
      t.skip('no publish button on the reports page yet (share links not merged)');
      await context.close();
      return;
    }
    await checkPage(page, 'reports with publish buttons', { shot: 'municipality-reports-publish' });
    // The half year before the current one: complete, whatever the month the tests run in.
    const publish = buttons.nth(Math.min(1, (await buttons.count()) - 1));
    const half = (await publish.innerText()).match(/\d{4}-H[12]/)[0];
    await submit(page, publish);
    await page.goto(`${BASE}/municipalities/${MUNICIPALITY}/reports`);
    assert.match(await page.locator('main').innerText(), /Gepubliceerd op/);
    await checkPage(page, 'reports after publishing');
    await submit(page, page.getByRole('button', { name: new RegExp(`(deellink|share link).*${half}`, 'i') }));
    const href = await page.locator('a[href*="/share/"]').first().getAttribute('href');
    assert.ok(href, 'a share link is shown');
    await checkPage(page, 'reports with a share link', { shot: 'municipality-reports-shared' });

    // The council member: no account, no session.
    const outsider = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const reader = await outsider.newPage();
    const response = await reader.goto(new URL(href, BASE).href);
    assert.equal(response.status(), 200);
    assert.doesNotMatch(reader.url(), /\/login/);
    // The report is a document laid out for print (src/report/): its data tables may be wider
    // than a phone, as WCAG 1.4.10 allows for content that needs two dimensions; nothing else.
    await checkPage(reader, 'a shared report', { shot: 'public-shared-report', tablesMayOverflow: true });
    const guessed = await reader.goto(`${BASE}/share/${'0'.repeat(43)}`);
    assert.ok([404, 410].includes(guessed.status()), `a made-up token answers ${guessed.status()}`);
    await outsider.close();
    await context.close();
  });
});

describe('API tokens in the browser', () => {
  test('the corporation makes a named token, shown once, and revokes it', async (t) => {
    const { context, page } = await newPage(browser);
    await login(page, PEOPLE.corporation);
    const where = await existing(page, ['/tokens']);
    if (!where) {
      t.skip('no tokens page yet (/tokens answers 404)');
      await context.close();
      return;
    }
    await visit(page, where, 'corporation: tokens', { shot: 'corporation-tokens' });
    const form = page.locator('main form', { has: page.locator('input[type="text"], input:not([type])') }).first();
    await form.locator('input[type="text"], input:not([type])').first().fill('e2e-systeem');
    await submit(page, form.locator('button[type="submit"]').first());
    // The token is in the page's text or in a read-only field to copy it from.
    const shown = [
      await page.locator('main').innerText(),
      ...(await page.locator('main input').evaluateAll((inputs) => inputs.map((i) => i.value))),
    ].join(' ');
    const token = (shown.match(/qm_[0-9a-f]{16,}/) || [])[0];
    assert.ok(token, 'the new token is shown');
    await checkPage(page, 'corporation: a new token');
    const use = () =>
      page.request.get(`${BASE}/api/v1/municipalities/${MUNICIPALITY}/alerts`, {
        headers: { Authorization: `Bearer ${token}` },
      });
    assert.equal((await use()).status(), 200, 'the token works');
    await page.goto(`${BASE}${where}`);
    assert.doesNotMatch(await page.content(), new RegExp(token), 'shown once only');
    const row = page.locator('tr', { hasText: 'e2e-systeem' });
    const revoke = row.getByRole('button', { name: /intrekken|trek in|revoke/i }).first();
    await submit(page, revoke);
    assert.equal((await use()).status(), 401, 'a revoked token is refused');
    await context.close();
  });
});
