// Every page in the navigation of each kind of user, checked with axe-core and at phone width
// (screenshots under SCREENSHOT_DIR), keyboard focus that can be seen, and a tenant association
// that finds no count of 1 to 4 households on any page it can reach.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BASE, MUNICIPALITY, NAMES, PEOPLE, launch, login, newPage, visit,
} from '../lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The links of the header's navigation, as paths. */
async function navLinks(page) {
  const hrefs = await page.locator('header nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  return [...new Set(hrefs)];
}

/** A short name for a screenshot: `/municipalities/GM0629/signals` -> `signals`. */
function slug(href) {
  const clean = href.split('?')[0].replace(`/municipalities/${MUNICIPALITY}`, '').replace(/^\/+/, '');
  return clean === '' ? 'overview' : clean.replace(/[^a-z0-9]+/gi, '-');
}

describe('every page of each kind of user', () => {
  for (const kind of ['municipality', 'corporation', 'tenants']) {
    test(`the ${NAMES[kind]}'s pages pass axe-core and fit a phone`, async () => {
      const { context, page } = await newPage(browser);
      await login(page, PEOPLE[kind]);
      const links = await navLinks(page);
      assert.ok(links.length >= 3, `a navigation: ${links}`);
      for (const href of links) {
        await visit(page, href, `${kind}: ${href}`, { shot: `${kind}-${slug(href)}` });
      }
      await visit(page, `/municipalities/${MUNICIPALITY}?lang=en`, `${kind}: overview in English`);
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      await context.close();
    });
  }

  test('a page that does not exist, and one the person may not see, answer as pages', async () => {
    const { context, page } = await newPage(browser);
    await login(page, PEOPLE.tenants);
    await visit(page, '/municipalities/GM0363', 'another municipality', { status: 403, shot: 'tenants-refused' });
    await context.close();
  });

  test('the keyboard reaches the skip link first and every focused element shows it', async () => {
    const { context, page } = await newPage(browser);
    await login(page, PEOPLE.municipality);
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement?.getAttribute('href'));
    assert.equal(first, '#main', 'the first stop is "Naar de inhoud"');
    for (let i = 0; i < 14; i++) {
      const focus = await page.evaluate(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return {
          what: `${el.tagName.toLowerCase()} ${el.textContent?.trim().slice(0, 30) ?? ''}`,
          outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
          shown: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0,
        };
      });
      assert.ok(focus.outline, `${focus.what} shows its focus`);
      assert.ok(focus.shown, `${focus.what} is on screen when focused`);
      await page.keyboard.press('Tab');
    }
    await context.close();
  });
});

/**
 * The counts of households a page shows to a reader: every "count / denominator" pair in the
 * text, and every whole number in a table column whose header says it counts lettings or
 * households (Verhuringen, Gerealiseerd, Aantal, ...). Percentages, dates, years, half-year
 * names, differences, plans and reference data are not counts of households.
 */
async function shownCounts(page) {
  return page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
    const found = [];
    const strip = (text) =>
      text
        .replace(/\d{4}-\d{2}(?:-\d{2})?(?:[ T][\d:.]+Z?)?/g, ' ')
        .replace(/\b\d{4}-?[HQ]\d\b/g, ' ')
        .replace(/\d+(?:[.,]\d+)?\s?%/g, ' ')
        .replace(/<\s?5/g, ' ');
    const counting = /verhuring|gerealiseerd|aantal|huishoudens|lettings|count|realised|gehuisvest via|housed through/i;
    for (const table of document.querySelectorAll('table')) {
      const headerRow = table.tHead?.rows[table.tHead.rows.length - 1];
      if (!headerRow) continue;
      const headers = [...headerRow.cells].map((c) => c.innerText.trim());
      for (const body of table.tBodies) {
        for (const row of body.rows) {
          [...row.cells].forEach((cell, i) => {
            if (cell.tagName !== 'TD' || !counting.test(headers[i] || '')) return;
            const text = strip(cell.innerText);
            for (const m of text.matchAll(/(?<![\w.,/-])(\d+)(?![\w.,])/g)) {
              found.push({ where: `column "${headers[i]}"`, text: cell.innerText.trim(), n: Number(m[1]) });
            }
          });
        }
      }
    }
    for (const m of document.body.innerText.matchAll(/(\S+)\s\/\s(\S+)/g)) {
      for (const part of [m[1], m[2]]) {
        if (/^\d+$/.test(part)) found.push({ where: 'fraction', text: m[0], n: Number(part) });
      }
    }
    return found;
  });
}

/** Visits everything reachable by links from `/` (the portal only, no downloads); calls `each`. */
async function crawl(page, each) {
  const seen = new Set();
  const queue = ['/'];
  const downloads = [];
  while (queue.length > 0 && seen.size < 60) {
    const href = queue.shift();
    const response = await page.goto(`${BASE}${href}`);
    const url = new URL(page.url());
    const key = url.pathname + url.search;
    if (seen.has(key) && key !== href) continue;
    seen.add(key);
    seen.add(href);
    assert.ok(response.status() < 400, `${href} answered ${response.status()}`);
    await each(page, key);
    const links = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.href));
    for (const link of links) {
      const target = new URL(link, page.url());
      if (target.origin !== new URL(BASE).origin) continue;
      const path = target.pathname + target.search;
      if (target.pathname.includes('/download')) {
        if (!downloads.includes(path)) downloads.push(path);
      } else if (!seen.has(path) && !queue.includes(path) && target.pathname !== '/logout') {
        queue.push(path);
      }
    }
  }
  return { pages: [...seen], downloads };
}

describe('the privacy rule in the browser', () => {
  test('a tenant association finds no count of 1 to 4 households on any page it can reach', async () => {
    const { context, page } = await newPage(browser);
    await login(page, PEOPLE.tenants);
    const small = [];
    let counted = 0;
    const { pages, downloads } = await crawl(page, async (p, where) => {
      const counts = await shownCounts(p);
      counted += counts.length;
      for (const c of counts) if (c.n >= 1 && c.n <= 4) small.push(`${where}: ${c.where} "${c.text}"`);
    });
    assert.ok(pages.length >= 4, `pages reached: ${pages.join(', ')}`);
    assert.ok(counted > 20, `the crawl read figures (${counted})`);
    // The reports in every format, as the association downloads them.
    for (const href of downloads) {
      const response = await page.request.get(`${BASE}${href}`);
      assert.equal(response.status(), 200, href);
      const type = response.headers()['content-type'] || '';
      if (type.includes('html')) {
        await page.goto(`${BASE}${href}`);
        for (const c of await shownCounts(page)) if (c.n >= 1 && c.n <= 4) small.push(`${href}: ${c.where} "${c.text}"`);
      } else if (type.includes('json')) {
        const walk = (value, key) => {
          if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 4 && /count|lettings|households|denominator|persons|homes/i.test(key)) {
            small.push(`${href}: ${key} = ${value}`);
          } else if (value && typeof value === 'object') {
            for (const [k, v] of Object.entries(value)) walk(v, Array.isArray(value) ? key : k);
          }
        };
        walk(await response.json(), '');
      }
    }
    assert.deepEqual(small, [], `counts of 1 to 4 shown to a tenant association:\n${small.join('\n')}`);
    await context.close();
  });

  test('the same look finds counts of 1 to 4 for the municipality (the check can fail)', async () => {
    const { context, page } = await newPage(browser);
    await login(page, PEOPLE.municipality);
    await page.goto(`${BASE}/municipalities/${MUNICIPALITY}`);
    const small = (await shownCounts(page)).filter((c) => c.n >= 1 && c.n <= 4);
    assert.ok(small.length > 0, 'the municipality sees exact small counts in the demo data');
    await context.close();
  });
});
