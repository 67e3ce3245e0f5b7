// A walk-in at a busy counter, on a relay of its own: the kiosk says the wait is long and
// offers the earliest free booking instead; the ticket carries a QR code the resident scans
// to follow their place in line on their phone, which updates by itself as staff call the
// people ahead and then says which counter to go to.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ADMIN_PASSWORD, KioskPage, watchErrors } from './fixtures/pages.mjs';
import { startRelay, tempDataDir } from './fixtures/relay.mjs';

const PORT = 18096;
let relay;
test.beforeAll(async () => {
  relay = await startRelay(PORT, tempDataDir());
});
test.afterAll(async () => relay?.child.kill('SIGKILL'));

async function shot(locator, name) {
  mkdirSync(path.resolve('artifacts'), { recursive: true });
  await locator.screenshot({ path: path.resolve('artifacts', `${name}.png`) });
}

test('a long wait offers a booking; the phone follows the ticket until it is called', async ({ browser }) => {
  const ctx = () => browser.newContext({ baseURL: relay.base, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  // Four people already wait for 国保・年金 (12 minutes each, one counter): 48 minutes.
  for (let i = 0; i < 4; i++) {
    const r = await fetch(`${relay.base}/api/offices/kokurakita/tickets`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ service_id: 'kokuho' }),
    });
    expect(r.status).toBe(201);
  }
  const kioskPage = await (await ctx()).newPage();
  const kioskErrors = watchErrors(kioskPage);
  await kioskPage.setViewportSize({ width: 1080, height: 1920 });
  const kiosk = new KioskPage(kioskPage);
  await kiosk.open();
  const issuedAnswer = kioskPage.waitForResponse((r) => r.url().endsWith('/tickets') && r.request().method() === 'POST');
  const number = await kiosk.take(/国民健康保険/);
  const issued = await (await issuedAnswer).json();
  expect(number).toMatch(/^B-?0*5$/);
  await expect(kioskPage.getByTestId('wait')).toHaveText('約48分');
  await expect(kioskPage.getByTestId('book-instead')).toContainText('ただいま大変混み合っています。');
  await expect(kioskPage.getByTestId('next-free-slot')).toHaveText(/^\d+月\d+日（.）\s\d{1,2}:\d{2}$/);
  await expect(kioskPage.getByTestId('ticket-follow').locator('svg')).toBeVisible();
  await shot(kioskPage.locator('.ticket'), 'kiosk-long-wait');
  expect(issued.status_token).toMatch(/^\d+-[0-9a-f]{32}$/);

  // The resident's phone, from the QR code.
  const phone = await (await ctx()).newPage();
  const phoneErrors = watchErrors(phone);
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(`/t#${issued.status_token}`);
  await expect(phone.getByTestId('ticket-number')).toHaveText(number);
  await expect(phone.getByTestId('ticket-ahead')).toHaveText('4人');
  await shot(phone.locator('main'), 'ticket-status-waiting');
  const axe = await new AxeBuilder({ page: phone }).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);

  // Staff call the four ahead; the phone counts down by itself, then shows the call.
  const staff = (await ctx()).request;
  expect((await staff.post('/api/auth/login', { data: { login: 'admin', password: ADMIN_PASSWORD } })).status()).toBe(200);
  for (const left of ['3人', '2人', '1人', '0人']) {
    expect((await staff.post('/api/counters/3/call-next', { data: {} })).status()).toBe(200);
    await expect(phone.getByTestId('ticket-ahead')).toHaveText(left);
  }
  expect((await staff.post('/api/counters/3/call-next', { data: {} })).status()).toBe(200);
  await expect(phone.getByTestId('ticket-called')).toHaveText(/お呼びしています\s*3番窓口へお越しください/);
  await shot(phone.locator('main'), 'ticket-status-called');

  // A guessed link finds nothing.
  const stranger = await (await ctx()).newPage();
  await stranger.goto(`/t#${issued.ticket.id}-${'0'.repeat(32)}`);
  await expect(stranger.getByRole('alert')).toHaveText('この番号札は見つかりません。番号札のQRコードを読み取り直してください。');
  kioskErrors.assertNone();
  phoneErrors.assertNone();
});
