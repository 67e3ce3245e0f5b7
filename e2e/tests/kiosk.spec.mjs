// The kiosk on its own: English, returning to the start by itself, the printed receipt.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KioskPage, snapshot } from './fixtures/pages.mjs';

test('the ticket screen returns to the start after 30 seconds', async ({ page }) => {
  await page.clock.install();
  const kiosk = new KioskPage(page);
  await kiosk.open();
  await kiosk.take(/住民異動/);
  await expect(page.getByText('30秒後に最初の画面に戻ります')).toBeVisible();
  await page.clock.runFor(10_000);
  await expect(page.getByText('20秒後に最初の画面に戻ります')).toBeVisible();
  await page.clock.runFor(21_000);
  await expect(page.getByRole('heading', { name: 'ご用件を選んでください' })).toBeVisible();
});

test('the kiosk speaks English when asked', async ({ page }) => {
  await page.goto('/kiosk');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Please choose what you came for' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('button', { name: /Health insurance and pension/ }).click();
  await expect(page.getByText('Your number', { exact: true })).toBeVisible();
  await snapshot(page, 'kiosk-ticket-en');
  await page.getByRole('button', { name: '日本語' }).click();
  await expect(page.getByText('あなたの受付番号')).toBeVisible();
});

test('the printed ticket is an 80 mm receipt with the number, office and time', async ({ page }) => {
  const kiosk = new KioskPage(page);
  await kiosk.open();
  const number = await kiosk.take(/子ども・家庭相談/);
  await page.emulateMedia({ media: 'print' });
  await snapshot(page, 'kiosk-receipt-print-media');
  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  const dir = path.resolve('artifacts');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'kiosk-receipt.pdf');
  writeFileSync(file, pdf);
  const info = execFileSync('pdfinfo', [file]).toString();
  const [, w, h] = info.match(/Page size:\s+([\d.]+) x ([\d.]+) pts/);
  // 80 mm × 120 mm is 226.8 × 340.2 pt.
  expect(Math.round(Number(w))).toBe(227);
  expect(Math.round(Number(h))).toBe(340);
  expect(info).toMatch(/Pages:\s+1\n/);
  const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
  expect(text).toContain(number);
  expect(text).toContain('小倉北区役所');
  expect(text).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
  expect(text).not.toContain('最初の画面に戻る');
  // The QR code to follow the ticket on a phone is printed too.
  expect(text).toContain('呼び出し状況');
  execFileSync('pdftoppm', ['-png', '-r', '150', '-singlefile', file, path.join(dir, 'kiosk-receipt')]);
});

test('issue 17: the kiosk fills a portrait screen and 予約の方 is a button like the others', async ({ page }) => {
  await page.setViewportSize({ width: 1080, height: 1920 });
  const kiosk = new KioskPage(page);
  await kiosk.open();
  const boxes = await page.evaluate(() => {
    const rect = (e) => e.getBoundingClientRect();
    const services = [...document.querySelectorAll('button.service')].map(rect);
    const checkin = rect(document.querySelector('a.checkin-link'));
    return { services: services.map((r) => ({ h: r.height, w: r.width, bottom: r.bottom })), checkin: { h: checkin.height, w: checkin.width, bottom: checkin.bottom } };
  });
  // The buttons use the screen down to its foot, one column of full-width buttons.
  expect(boxes.checkin.bottom).toBeGreaterThan(1920 * 0.85);
  expect(boxes.checkin.bottom).toBeLessThanOrEqual(1920);
  for (const s of boxes.services) expect(s.w).toBeGreaterThan(1000);
  // 「予約の方はこちら」 is as wide and as tall as a service button.
  expect(boxes.checkin.w).toBeGreaterThanOrEqual(boxes.services[0].w - 1);
  expect(boxes.checkin.h).toBeGreaterThanOrEqual(Math.min(...boxes.services.map((s) => s.h)) * 0.9);
  await snapshot(page, 'kiosk-portrait-start');
});
