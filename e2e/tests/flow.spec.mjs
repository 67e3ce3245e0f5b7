// The whole resident-to-back-office flow of issue 6, in Chromium, on a relay of its own whose
// clock is set to a Monday 09:00 in Japan (`--clock`), so same-day bookings and check-ins are
// possible whatever the real time is:
// book on /apply and send a pre-application → check in at the kiosk by showing the booking's
// QR code to its camera and (a second booking) by phone number and birth date → staff call the
// number from the counter's ticket bar, the display shows it and the booking's pre-application
// opens with the visit → complete it in /office → the CSV export
// contains it. At the end the relay's log is searched for the resident's details: none.
import { test, expect, chromium } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ADMIN_PASSWORD, watchErrors } from './fixtures/pages.mjs';
import { startRelay, tempDataDir } from './fixtures/relay.mjs';
import { cameraArgs, qrVideo } from './fixtures/camera.mjs';
import { launchOptions } from '../chromium.mjs';

const PORT = 18093;
const NOW = '2027-03-01T09:00:00+09:00'; // a Monday, not a holiday
const NAME = '窓口 春子';
const PHONE = '090-8765-4321';

async function shot(locator, name) {
  mkdirSync(path.resolve('artifacts'), { recursive: true });
  await locator.screenshot({ path: path.resolve('artifacts', `${name}.png`) });
}

async function assertAccessible(page, name) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`), `axe on ${name}`).toEqual([]);
}

async function answer(page, question, value) {
  const group = page.getByRole('group', { name: question });
  if (typeof value === 'string' && !/^\d{4}-\d{2}-\d{2}$/.test(value) && !/^\d+$/.test(value)) {
    await group.getByRole('radio', { name: value, exact: true }).check();
  } else {
    await page.getByLabel(question, { exact: true }).fill(String(value));
  }
}

async function staffLogin(page) {
  await page.getByLabel('ログインID').fill('admin');
  await page.getByLabel('パスワード').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
}

let relay;
test.beforeAll(async () => {
  relay = await startRelay(PORT, tempDataDir(), ['--clock', NOW]);
});
test.afterAll(async () => {
  relay?.child.kill('SIGKILL');
});

test('book and pre-apply at home, check in at the kiosk, get called, load at the counter, complete in /office, export', async ({ browser }) => {
  const base = relay.base;
  const context = await browser.newContext({ baseURL: base, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  const resident = await context.newPage();
  await resident.clock.setSystemTime(new Date(NOW));
  const errors = watchErrors(resident);
  await resident.setViewportSize({ width: 390, height: 844 });

  // At home: the guide, a booking for 10:00 today, then the pre-application.
  await resident.goto('/apply#okuyami/kitakyushu');
  await answer(resident, '亡くなった日はいつですか', '2027-02-26');
  await answer(resident, '亡くなった方は何歳でしたか', '80');
  await answer(resident, '亡くなった方の健康保険はどれでしたか', '後期高齢者医療');
  const book = resident.getByTestId('book-visit');
  await book.getByRole('button', { name: '予約する日時を選ぶ' }).click();
  await book.getByRole('radio', { name: 'おくやみコーナー' }).check();
  await book.getByRole('button', { name: /^3月1日（月）/ }).click();
  await book.getByRole('button', { name: '10:00', exact: true }).click();
  await book.getByRole('button', { name: 'この時間で予約する' }).click();
  await expect(book.getByRole('status')).toHaveText('予約しました。この画面を保存するか、印刷してください。');
  const bookingLink = await resident.getByTestId('reservation-link').getAttribute('href');
  expect(bookingLink).toMatch(/\/r#[0-9a-f]{64}$/);
  const bookingQr = await book.locator('.qr svg path').getAttribute('d');

  const pre = resident.getByTestId('pre-apply');
  await pre.getByRole('button', { name: '事前申請の入力へ進む' }).click();
  await expect(pre.locator('.pre-procedures li')).toContainText(['後期高齢者医療の葬祭費の申請']);
  // Nothing typed: every missing field is named, nothing is sent.
  await pre.getByRole('button', { name: 'この内容で送信する' }).click();
  await expect(pre.getByRole('alert')).toContainText('氏名の入力を確認してください');
  await expect(pre.getByRole('alert')).toContainText('送信するには、同意の欄にチェックを入れてください。');
  await pre.getByLabel('氏名').fill(NAME);
  await pre.getByLabel('ふりがな').fill('まどぐち はるこ');
  await pre.getByLabel('生年月日').fill('1958-05-10');
  await pre.getByRole('radio', { name: '女' }).check();
  await pre.getByLabel('郵便番号').fill('803-8501');
  await pre.getByLabel('住所').fill('北九州市小倉北区大手町1-1');
  await pre.getByLabel('電話番号').fill(PHONE);
  await pre.getByLabel('窓口へのご連絡（任意）').fill('車椅子で伺います');
  await pre.getByRole('checkbox').check();
  await shot(pre, 'preapply-form');
  await assertAccessible(resident, 'the pre-application form');
  await pre.getByRole('button', { name: 'この内容で送信する' }).click();
  await expect(pre.getByRole('status')).toHaveText('事前申請を受け付けました。');
  const code = (await resident.getByTestId('pre-code').textContent()).trim();
  expect(code).toMatch(/^[ACEFHJKLMNPRTWXY3479]{4}-[ACEFHJKLMNPRTWXY3479]{4}$/);
  await expect(pre).toContainText('3月1日（月） 10:00');
  await expect(pre.locator('.qr svg')).toBeVisible();
  await shot(pre, 'preapply-receipt');
  // Issue 17 item 10: on a 360 px phone the receipt's code and the page stay inside the screen.
  const before = resident.viewportSize();
  await resident.setViewportSize({ width: 360, height: 780 });
  const codeBox = resident.getByTestId('pre-code');
  expect(await codeBox.evaluate((e) => e.scrollWidth <= e.clientWidth && e.getBoundingClientRect().right <= 360)).toBe(true);
  expect(await resident.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await shot(pre, 'preapply-receipt-360');
  const statusLink = await resident.getByTestId('pre-status-link').getAttribute('href');
  await resident.goto(statusLink);
  await expect(resident.getByTestId('pre-status-now')).toHaveText('受付済');
  expect(await resident.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await shot(resident.getByTestId('pre-status'), 'preapply-status-360');
  await resident.setViewportSize(before);
  await shot(resident.getByTestId('pre-status'), 'preapply-status-received');
  await assertAccessible(resident, '/s');

  // A second resident booked 10:30 by phone and gave a phone number and birth date.
  const second = await resident.evaluate(async () => {
    const r = await fetch('/api/offices/kokurakita/reservations', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ service: 'okuyami', day: '2027-03-01', start: '10:30', phone: '093-582-1111', birth_date: '1950-01-02' }),
    });
    return { status: r.status, body: await r.json() };
  });
  expect(second.status).toBe(201);

  // The lobby display, and the kiosk: check-in by the scanned QR link, then by phone number.
  const display = await context.newPage();
  await display.clock.setSystemTime(new Date(NOW));
  await display.setViewportSize({ width: 1280, height: 720 });
  await display.goto('/display?office=kokurakita');
  // The kiosk's camera sees the booking's QR code held up to it (Chromium's fake camera plays
  // a video of the very code the resident's phone shows).
  const video = qrVideo(bookingQr, path.join(tempDataDir(), 'booking-qr.y4m'));
  const kioskBrowser = await chromium.launch({ ...launchOptions, args: [...launchOptions.args, ...cameraArgs(video)] });
  const kioskContext = await kioskBrowser.newContext({ baseURL: base, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  const kiosk = await kioskContext.newPage();
  const kioskErrors = watchErrors(kiosk);
  await kiosk.clock.setSystemTime(new Date(NOW));
  await kiosk.setViewportSize({ width: 1080, height: 1920 });
  await kiosk.goto('/checkin?office=kokurakita');
  await kiosk.getByRole('button', { name: 'QRコードをカメラで読み取る' }).click();
  await expect(kiosk.getByTestId('checked-in')).toBeVisible();
  // The camera is off again once the code is read.
  expect(await kiosk.evaluate(() => document.querySelector('video')?.srcObject ?? null)).toBeNull();
  const firstNumber = (await kiosk.getByTestId('checkin-number').textContent()).trim();
  await shot(kiosk.getByTestId('checked-in'), 'flow-checked-in');
  await kiosk.goto('/checkin?office=kokurakita');
  await kiosk.getByRole('button', { name: '予約コードがわからない方' }).click();
  await kiosk.getByLabel('電話番号').fill('093-582-1111');
  await kiosk.getByLabel('生年月日').fill('1950-01-02');
  await kiosk.getByRole('button', { name: '受付する', exact: true }).click();
  await expect(kiosk.getByTestId('checked-in')).toBeVisible();
  expect((await kiosk.getByTestId('checkin-number').textContent()).trim()).not.toBe(firstNumber);

  // Staff call: the first checked-in booking is called and the display shows it.
  const counter = await context.newPage();
  await counter.setViewportSize({ width: 1440, height: 900 });
  await counter.goto('/counter?office=kokurakita');
  await staffLogin(counter);
  await expect(counter.getByRole('heading', { name: 'どのようなことがありましたか' })).toBeVisible();
  // The ticket bar calls it; the booking's pre-application opens with the visit (issue 19).
  await counter.getByLabel('担当する窓口').selectOption({ label: '6番窓口' });
  await counter.getByTestId('call-next').click();
  await expect(counter.getByTestId('serving')).toHaveText(firstNumber);
  await expect(display.getByTestId('call').first()).toContainText(firstNumber);
  await shot(display.locator('body'), 'flow-display-called');

  // At the counter: the pre-application fills the guide and the forms without a code typed.
  await expect(counter.getByTestId('ticket-pre')).toContainText(`事前申請（受付番号 ${code}）を読み込みました`);
  await expect(counter.getByRole('heading', { name: 'ご家族が亡くなったとき', exact: false }).first()).toBeVisible();
  await expect(counter.getByLabel('亡くなった方は何歳でしたか')).toHaveValue('80');
  await expect(counter.locator('#applicant-name')).toHaveValue(NAME);
  await expect(counter.locator('#applicant-address')).toHaveValue('北九州市小倉北区大手町1-1');
  await shot(counter.locator('.ticket-bar'), 'preapply-counter-called');
  await counter.screenshot({ path: path.resolve('artifacts', 'preapply-counter-called-page.png') });
  // Typed by its receipt code (a resident without a booking), it loads the same.
  await counter.getByLabel('事前申請を読み込む').fill(code.replace('-', '').toLowerCase());
  await counter.getByRole('button', { name: '読み込む' }).click();
  await expect(counter.getByTestId('pre-load').getByRole('status')).toContainText('事前申請を読み込みました');
  await expect(counter.locator('#applicant-name')).toHaveValue(NAME);
  await shot(counter.getByTestId('pre-load'), 'preapply-counter-loaded');

  // /office: the inbox shows it 処理中; staff complete it.
  const office = await context.newPage();
  await office.setViewportSize({ width: 1440, height: 900 });
  await office.goto('/office?office=kokurakita');
  const row = office.getByTestId('inbox').locator('tr').filter({ hasText: code });
  await expect(row).toContainText('処理中');
  await expect(row).toContainText(NAME);
  await expect(row).toContainText('2027-03-01 10:00');
  await shot(office.locator('.office'), 'office-inbox');
  await row.getByRole('button', { name: code }).click();
  const detail = office.getByTestId('detail');
  await expect(detail).toContainText('車椅子で伺います');
  await detail.getByRole('button', { name: '完了にする' }).click();
  await expect(detail.getByTestId('detail-status')).toHaveText('完了');
  await expect(detail.locator('.history li')).toHaveCount(3);
  await shot(detail, 'office-detail-completed');
  await assertAccessible(office, '/office detail');
  await expect(row).toContainText('完了');

  // Statistics: the wait of the called booking, and the pre-application, completed.
  await office.getByRole('button', { name: '統計' }).click();
  const stats = office.getByTestId('stats');
  await expect(stats.getByRole('heading', { name: 'おくやみコーナー' })).toBeVisible();
  await expect(stats.getByRole('img', { name: /おくやみコーナー 待ち時間: 9時 平均\d+分/ })).toBeVisible();
  const counts = stats.locator('table.submission-counts tbody tr');
  await expect(counts).toHaveCount(1);
  await expect(counts.locator('td').nth(3)).toHaveText('1');
  await shot(stats, 'office-stats');
  await assertAccessible(office, '/office statistics');
  await office.getByRole('button', { name: '受付一覧' }).click();

  // The CSV export (what the export button links to) contains it, completed.
  const href = await office.getByTestId('export-csv').getAttribute('href');
  const csv = await office.evaluate(async (h) => (await fetch(h)).text(), href);
  const line = csv.split('\r\n').find((l) => l.startsWith(code));
  expect(line).toContain(',完了,');
  expect(line).toContain(NAME);
  expect(line).toContain('2027-03-01 10:00');

  // The resident's status page follows (opened again later).
  await resident.goto('/apply');
  await resident.goto(statusLink);
  await expect(resident.getByTestId('pre-status-now')).toHaveText('完了');

  // No personal data in the relay's log.
  const log = relay.log();
  expect(log).toContain('pre-application received');
  for (const secret of [NAME, 'まどぐち', PHONE, '09087654321', '1958-05-10', '大手町', '車椅子', '093-582-1111']) {
    expect(log.includes(secret), `relay log must not contain ${secret}`).toBe(false);
  }
  errors.assertNone();
  kioskErrors.assertNone();
  await context.close();
  await kioskBrowser.close();
});
