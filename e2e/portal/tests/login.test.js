// Logging in and out for each kind of organisation, a wrong password, an expired session, and
// forms posted without their CSRF token.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BASE, MUNICIPALITY, submit, NAMES, PEOPLE, ageSessions, checkPage, launch, login, logout, newPage, visit,
} from '../lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

describe('logging in and out', () => {
  for (const kind of ['municipality', 'corporation', 'tenants']) {
    test(`a person of the ${NAMES[kind]} logs in, sees their organisation, and logs out everywhere`, async () => {
      const who = PEOPLE[kind];
      const { context, page } = await newPage(browser);
      await page.goto(`${BASE}/`);
      assert.match(page.url(), /\/login$/, 'not logged in: / leads to the login form');
      await checkPage(page, 'login form', { shot: 'login' });

      await login(page, who);
      assert.match(page.url(), new RegExp(`/municipalities/${MUNICIPALITY}$`));
      await assert.doesNotReject(page.getByText(who.org).first().waitFor());
      const [session] = (await context.cookies()).filter((c) => c.name === 'qm_session');
      assert.ok(session, 'a session cookie');
      assert.equal(session.httpOnly, true);
      assert.equal(session.sameSite, 'Lax');

      await logout(page);
      await checkPage(page, 'login form after logout');
      const again = await page.goto(`${BASE}/municipalities/${MUNICIPALITY}`);
      assert.match(page.url(), /\/login$/, 'after logout the overview asks for a login');
      assert.equal(again.status(), 200);

      // The session is ended in the database, not just forgotten by this browser: the old
      // cookie replayed elsewhere gets nowhere.
      const replay = await browser.newContext();
      await replay.addCookies([{ name: 'qm_session', value: session.value, url: BASE }]);
      const other = await replay.newPage();
      await other.goto(`${BASE}/municipalities/${MUNICIPALITY}`);
      assert.match(other.url(), /\/login$/);
      await replay.close();
      await context.close();
    });
  }

  test('a wrong password is refused with a message, and the right one then works', async () => {
    const { context, page } = await newPage(browser);
    await login(page, PEOPLE.municipality, 'dit-is-niet-het-wachtwoord');
    assert.match(page.url(), /\/login$/);
    const alert = page.getByRole('alert');
    await assert.doesNotReject(alert.waitFor());
    assert.match(await alert.innerText(), /horen niet bij elkaar/);
    assert.equal(await page.getByLabel('E-mailadres').inputValue(), PEOPLE.municipality.email, 'the address stays');
    assert.equal(await page.getByLabel('Wachtwoord').inputValue(), '', 'the password does not come back');
    assert.equal((await context.cookies()).filter((c) => c.name === 'qm_session').length, 0);
    await checkPage(page, 'login form with a wrong password', { shot: 'login-wrong-password' });

    await login(page, PEOPLE.municipality);
    assert.match(page.url(), new RegExp(`/municipalities/${MUNICIPALITY}$`));
    await context.close();
  });

  test('an expired session leads back to the login form, and logging in again works', async () => {
    const who = PEOPLE.expiring;
    const { context, page } = await newPage(browser);
    await login(page, who);
    await visit(page, `/municipalities/${MUNICIPALITY}/signals`, 'signals before expiry');

    assert.ok(ageSessions(who.email) >= 1, 'the session row was aged');
    await page.goto(`${BASE}/municipalities/${MUNICIPALITY}/signals`);
    assert.match(page.url(), /\/login$/, 'an expired session is no longer accepted');

    await login(page, who);
    await page.goto(`${BASE}/municipalities/${MUNICIPALITY}/signals`);
    assert.match(page.url(), /\/signals$/);
    await context.close();
  });
});

describe('a form without its CSRF token is refused', () => {
  test('the login form without its form token', async () => {
    const { context, page } = await newPage(browser);
    await page.goto(`${BASE}/login`);
    const response = await page.request.post(`${BASE}/login`, {
      form: { email: PEOPLE.municipality.email, password: process.env.QM_E2E_PASSWORD },
      maxRedirects: 0,
    });
    assert.equal(response.status(), 403);
    assert.match(await response.text(), /data-error="csrf_token_invalid"/);
    assert.equal((await context.cookies()).filter((c) => c.name === 'qm_session').length, 0, 'no session');
    await context.close();
  });

  test('a note and a logout without the session token change nothing', async () => {
    const { context, page } = await newPage(browser);
    await login(page, PEOPLE.municipality);
    await page.goto(`${BASE}/municipalities/${MUNICIPALITY}/signals`);
    const form = page.locator('form[action*="/notes"]').first();
    const action = await form.getAttribute('action');
    assert.ok(action, 'the municipality has a note form on a signal');
    const text = `Zonder token geplaatst ${Math.random().toString(36).replace(/[^a-z]/g, '')}`;

    const refused = await page.request.post(`${BASE}${action}`, { form: { text }, maxRedirects: 0 });
    assert.equal(refused.status(), 403);
    assert.match(await refused.text(), /data-error="csrf_token_invalid"/);
    const wrong = await page.request.post(`${BASE}${action}`, {
      form: { text, csrf: 'f'.repeat(64) },
      maxRedirects: 0,
    });
    assert.equal(wrong.status(), 403);

    // The refusal as a person sees it.
    await page.goto(`${BASE}/municipalities/${MUNICIPALITY}/signals`);
    await page.locator('form[action*="/notes"] input[name="csrf"]').first().evaluate((el) => el.remove());
    await page.locator('form[action*="/notes"] textarea').first().fill(text);
    await submit(page, page.locator('form[action*="/notes"] button[type="submit"]').first());
    assert.equal(await page.locator('[data-error="csrf_token_invalid"]').count(), 1);
    await checkPage(page, 'CSRF refusal page');

    await page.goto(`${BASE}/municipalities/${MUNICIPALITY}/signals`);
    assert.equal(await page.getByText(text).count(), 0, 'the note was not stored');

    const logoutRefused = await page.request.post(`${BASE}/logout`, { form: {}, maxRedirects: 0 });
    assert.equal(logoutRefused.status(), 403);
    await page.goto(`${BASE}/municipalities/${MUNICIPALITY}`);
    assert.match(page.url(), new RegExp(`/municipalities/${MUNICIPALITY}$`), 'still logged in');
    await context.close();
  });
});
