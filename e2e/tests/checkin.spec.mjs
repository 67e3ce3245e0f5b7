// Kiosk check-in for booked residents: from the kiosk's start screen to /checkin, by the
// keypad, by a scanned booking link, and by phone number and birth date. (Same-day check-in,
// which needs a booking for today, is covered by the relay's tests: bookings close 30 minutes
// before a slot, so a browser test cannot make one for "now".)
import { test, expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { watchErrors } from './fixtures/pages.mjs';

async function bookAhead(page) {
  return page.evaluate(async () => {
    const from = new Date(Date.now() + 3 * 86400000).toISOString().slice(0, 10);
    const slots = await (await fetch(`/api/offices/kokurakita/services/jumin/slots?from=${from}&days=14`)).json();
    const slot = slots.find((s) => s.free > 0);
    const res = await fetch('/api/offices/kokurakita/reservations', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ service: 'jumin', day: slot.day, start: slot.start, phone: '090-1234-5678', birth_date: '1985-04-01' }),
    });
    return { status: res.status, body: await res.json() };
  });
}

test('a booked resident checks in at the kiosk by code, scanned link or phone number', async ({ page }) => {
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1080, height: 1920 });
  await page.goto('/kiosk');
  await page.getByRole('link', { name: '予約の方はこちら' }).click();
  await expect(page).toHaveURL(/\/checkin\?office=kokurakita/);
  await expect(page.getByRole('heading', { name: '予約の方の受付' })).toBeVisible();
  const booked = await bookAhead(page);
  expect(booked.status).toBe(201);
  const { code, day } = booked.body.reservation;
  const [y, m, d] = day.split('-').map(Number);
  const weekday = '日月火水木金土'[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
  const message = `この予約は${m}月${d}日（${weekday}）です。当日にお越しください。`;

  // The keypad types the code.
  for (const k of code) await page.getByRole('button', { name: k, exact: true }).click();
  await expect(page.getByLabel('予約コードを入力してください')).toHaveValue(code);
  mkdirSync(path.resolve('artifacts'), { recursive: true });
  await page.screenshot({ path: path.resolve('artifacts', 'checkin-keypad.png') });
  await page.getByRole('button', { name: '受付する', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText(message);

  // A code reader types the booking link into the field.
  await page.getByLabel('予約コードを入力してください').fill(`http://127.0.0.1/r#${booked.body.token}`);
  await page.getByRole('button', { name: '受付する', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText(message);

  await page.getByLabel('予約コードを入力してください').fill('AAAAAA');
  await page.getByRole('button', { name: '受付する', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('予約が見つかりません。予約コードを確かめるか、近くの職員にお声がけください。');

  await page.getByRole('button', { name: '予約コードがわからない方' }).click();
  await page.getByLabel('電話番号').fill('09012345678');
  await page.getByLabel('生年月日').fill('1985-04-01');
  await page.getByRole('button', { name: '受付する', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText(message);
  await page.screenshot({ path: path.resolve('artifacts', 'checkin-phone.png') });
  await page.getByRole('link', { name: '受付機の最初の画面へ' }).click();
  await expect(page.getByRole('heading', { name: 'ご用件を選んでください' })).toBeVisible();
  errors.assertNone([/409|404/]);
});

test('issue 17: /checkin and the kiosk go back to the start, in Japanese, for the next resident', async ({ page }) => {
  const errors = watchErrors(page);
  await page.clock.install();
  await page.setViewportSize({ width: 1080, height: 1920 });
  await page.goto('/checkin?office=kokurakita');
  await expect(page.getByRole('heading', { name: '予約の方の受付' })).toBeVisible();
  // A resident switches to English, types half a code and walks away.
  await page.locator('.lang-menu select').selectOption('en');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  const codeField = page.locator('#ci-code');
  await codeField.fill('AB');
  await page.clock.runFor(55_000);
  await expect(codeField).toHaveValue('AB');
  await page.clock.runFor(7_000);
  // 60 s after the last touch: the start screen, in Japanese, with nothing of theirs left.
  await expect(page.getByRole('heading', { name: '予約の方の受付' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
  await expect(codeField).toHaveValue('');
  // Left alone at the start in Japanese, it stays as it is.
  await page.clock.runFor(120_000);
  await expect(page.getByRole('heading', { name: '予約の方の受付' })).toBeVisible();

  // The kiosk's start screen: a language switched and left returns to Japanese the same way.
  await page.goto('/kiosk');
  await expect(page.getByRole('heading', { name: 'ご用件を選んでください' })).toBeVisible();
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.clock.runFor(62_000);
  await expect(page.getByRole('heading', { name: 'ご用件を選んでください' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
  errors.assertNone();
});
