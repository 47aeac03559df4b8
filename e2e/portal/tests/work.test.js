// What people do: the corporation uploads a faulty file and then a good one, the municipality
// writes a note on a signal.
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  BASE, MUNICIPALITY, submit, PEOPLE, apiAsCorporation, checkPage, launch, login, newPage, today, visit,
} from '../lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const HEADER = 'reference;municipality;contract_start;rent;household_size;household_income;urgency';

// A note without digits, so that it can never look like a count on a page.
function word() {
  return Array.from({ length: 10 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
}

function file(name, lines) {
  const dir = mkdtempSync(path.join(tmpdir(), 'qm-e2e-'));
  const full = path.join(dir, name);
  writeFileSync(full, lines.join('\n') + '\n');
  return full;
}

describe('upload', () => {
  test('a faulty file shows its problems by line and stores nothing; the corrected file is stored', async () => {
    const stamp = Date.now();
    const good = `DWB-E2E-${stamp}-1`;
    const bad = `DWB-E2E-${stamp}-2`;
    const { context, page } = await newPage(browser);
    await login(page, PEOPLE.corporation);
    await visit(page, '/upload', 'upload form', { shot: 'corporation-upload' });

    // Line 2 is fine, line 3 has no rent and a household of none: the whole file is refused.
    const faulty = file('fout.csv', [
      HEADER,
      `${good};${MUNICIPALITY};${today()};712,50;2;28500;status_holder`,
      `${bad};${MUNICIPALITY};${today()};0;0;28500;`,
    ]);
    await page.getByLabel('Bestand (CSV of JSON)').setInputFiles(faulty);
    await submit(page, page.getByRole('button', { name: 'Opslaan' }));
    await assert.doesNotReject(page.getByRole('alert').waitFor());
    assert.match(await page.getByRole('alert').innerText(), /niets opgeslagen/);
    const table = page.locator('table', { has: page.locator('caption', { hasText: 'Fouten' }) });
    const headers = await table.locator('thead th').allInnerTexts();
    assert.deepEqual(headers.slice(0, 3), ['Regel', 'Kenmerk', 'Veld']);
    const rows = await table.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.cells].map((c) => c.innerText.trim())),
    );
    assert.ok(rows.length >= 1, 'at least one problem listed');
    for (const [line, reference] of rows) {
      assert.equal(line, '3', `every problem is on line 3: ${JSON.stringify(rows)}`);
      assert.equal(reference, bad);
    }
    assert.ok(rows.some((r) => r[2] === 'rent'), `the rent is named: ${JSON.stringify(rows)}`);
    await checkPage(page, 'upload with problems', { shot: 'corporation-upload-problems' });
    for (const reference of [good, bad]) {
      const answer = await apiAsCorporation(page.request, `/api/v1/lettings/${reference}`);
      assert.equal(answer.status(), 404, `${reference} was not stored`);
    }

    // Checked first (nothing stored), then stored.
    const corrected = file('goed.csv', [
      HEADER,
      `${good};${MUNICIPALITY};${today()};712,50;2;28500;status_holder`,
      `${bad};${MUNICIPALITY};${today()};650,00;1;21000;`,
    ]);
    await page.getByLabel('Bestand (CSV of JSON)').setInputFiles(corrected);
    await submit(page, page.getByRole('button', { name: 'Controleren' }));
    assert.match(await page.getByRole('status').innerText(), /niets opgeslagen.*2 nieuw/s);
    assert.equal((await apiAsCorporation(page.request, `/api/v1/lettings/${good}`)).status(), 404);

    await page.getByLabel('Bestand (CSV of JSON)').setInputFiles(corrected);
    await submit(page, page.getByRole('button', { name: 'Opslaan' }));
    assert.match(await page.getByRole('status').innerText(), /Opgeslagen: 2 ontvangen, 2 nieuw/);
    await checkPage(page, 'upload stored', { shot: 'corporation-upload-stored' });
    for (const reference of [good, bad]) {
      const answer = await apiAsCorporation(page.request, `/api/v1/lettings/${reference}`);
      assert.equal(answer.status(), 200, `${reference} was stored`);
    }
    await context.close();
  });

  test('only a corporation has the upload page', async () => {
    const { context, page } = await newPage(browser);
    await login(page, PEOPLE.tenants);
    assert.equal(await page.getByRole('link', { name: 'Aanleveren' }).count(), 0);
    const response = await page.goto(`${BASE}/upload`);
    assert.equal(response.status(), 403);
    await context.close();
  });
});

describe('signals', () => {
  test('the municipality adds a note to a signal and sees it in the thread', async () => {
    const { context, page } = await newPage(browser);
    await login(page, PEOPLE.municipality);
    await visit(page, `/municipalities/${MUNICIPALITY}/signals`, 'signals');
    const text = `Toegelicht: twee spoedplaatsingen na een brand (${word()})`;
    const form = page.locator('form[action*="/notes"]').first();
    const heading = await form.evaluate((f) => f.closest('section').querySelector('h2').id);
    await form.locator('textarea').fill(text);
    await submit(page, form.getByRole('button', { name: 'Opslaan' }));
    assert.match(page.url(), /\/signals$/);
    const thread = page.locator(`section[aria-labelledby="${heading}"]`);
    await assert.doesNotReject(thread.getByText(text).waitFor());
    assert.match(await thread.getByText(text).locator('..').innerText(), /GM0629/);
    await checkPage(page, 'signals with a note', { shot: 'municipality-signals' });

    // A tenant association reads the note but has no form.
    const { context: other, page: tenants } = await newPage(browser);
    await login(tenants, PEOPLE.tenants);
    await tenants.goto(`${BASE}/municipalities/${MUNICIPALITY}/signals`);
    await assert.doesNotReject(tenants.getByText(text).waitFor());
    assert.equal(await tenants.locator('form[action*="/notes"]').count(), 0);
    await other.close();
    await context.close();
  });
});
