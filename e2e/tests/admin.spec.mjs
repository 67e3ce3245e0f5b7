// /admin on a relay of its own (it changes the office): an administrator changes a handling
// time, adds a service with bookings and a counter that calls it, gives Wednesdays a lunch
// break and closes a day; the kiosk offers the new service at once and its bookings follow
// the new hours. Mistakes are named in Japanese before anything is sent. Staff accounts:
// one is added, logs in, is disabled and is refused.
import { test, expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ADMIN_PASSWORD, KioskPage, watchErrors } from './fixtures/pages.mjs';
import { startRelay, tempDataDir } from './fixtures/relay.mjs';

const PORT = 18095;
let relay;
test.beforeAll(async () => {
  relay = await startRelay(PORT, tempDataDir());
});
test.afterAll(async () => relay?.child.kill('SIGKILL'));

async function shot(page, name) {
  mkdirSync(path.resolve('artifacts'), { recursive: true });
  await page.screenshot({ path: path.resolve('artifacts', `${name}.png`), fullPage: true });
}

/** Fills 職員アカウント's form and adds the account. */
async function addStaff(page, login, name, password) {
  const form = page.locator('form.add-device');
  await form.getByLabel('ログインID').fill(login);
  await form.getByLabel('氏名').fill(name);
  await form.getByLabel('パスワード（10文字以上）').fill(password);
  await form.getByRole('button', { name: 'アカウントを追加' }).click();
}

async function loginAt(page, login, password) {
  await page.goto('/admin');
  await page.getByLabel('ログインID').fill(login);
  await page.getByLabel('パスワード').fill(password);
  await page.getByRole('button', { name: 'ログイン' }).click();
}

test('an admin edits services, counters and hours; kiosks and bookings follow at once', async ({ browser }) => {
  const ctx = await browser.newContext({ baseURL: relay.base, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1400, height: 900 });
  await loginAt(page, 'admin', ADMIN_PASSWORD);
  const services = page.getByTestId('services');
  await expect(services.getByRole('textbox', { name: '名称', exact: true }).first()).toHaveValue('住民異動・証明（市民課）');

  // A mistake first: the new service takes a letter already in use and has no name.
  await page.getByRole('button', { name: '業務を追加' }).click();
  const row = services.locator('tbody tr').last();
  await row.getByRole('textbox', { name: '記号' }).fill('A');
  await page.getByRole('button', { name: '設定を保存する' }).click();
  const problems = page.getByTestId('settings-problems');
  await expect(problems).toContainText('業務6行目：記号がほかの業務と重なっています。');
  await expect(problems).toContainText('業務6行目：名称を60文字以内で入力してください。');
  await expect(problems).toContainText('業務6行目：この業務を呼び出す窓口がありません。');

  // Now right: 旅券 (F), taking bookings; counter 7 calls it; 住民異動 takes 8 minutes.
  await row.getByRole('textbox', { name: '記号' }).fill('F');
  await row.getByRole('textbox', { name: 'ID' }).fill('passport');
  await row.getByRole('textbox', { name: '名称', exact: true }).fill('旅券（パスポート）');
  await row.getByRole('textbox', { name: '英語名' }).fill('Passports');
  await row.getByRole('textbox', { name: '平均対応時間（分）' }).fill('15');
  await row.getByRole('checkbox', { name: '受け付ける' }).check();
  await row.getByRole('spinbutton', { name: '枠（分）' }).fill('20');
  await row.getByRole('spinbutton', { name: '何日先まで' }).fill('365');
  await services.locator('tbody tr').first().getByRole('textbox', { name: '平均対応時間（分）' }).fill('8');
  await page.getByRole('button', { name: '窓口を追加' }).click();
  const counter = page.getByTestId('counters').locator('tbody tr').last();
  await expect(counter.getByRole('textbox', { name: '窓口名' })).toHaveValue('7番窓口');
  await counter.getByRole('checkbox', { name: /旅券/ }).check();
  await page.getByTestId('hours-2').fill('08:30-12:00, 13:00-17:15');
  await page.getByTestId('closed-days').fill('２０２７－０５－０６');
  await page.getByRole('button', { name: '設定を保存する' }).click();
  await expect(page.getByTestId('settings-saved')).toBeVisible();
  await expect(problems).toHaveCount(0);
  await shot(page, 'admin-settings');

  const office = await (await fetch(`${relay.base}/api/offices/kokurakita`)).json();
  expect(office.services.map((s) => s.prefix)).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
  expect(office.services[0].avg_service_secs).toBe(480);
  expect(office.counters[6]).toMatchObject({ id: 7, label: '7番窓口', service_ids: ['passport'] });
  // Wednesday 2027-03-03 has a lunch break in 20-minute slots; 2027-05-06 is closed.
  const slots = await (await fetch(`${relay.base}/api/offices/kokurakita/services/passport/slots?from=2027-03-03&days=1`)).json();
  expect(slots.map((s) => s.start)).toContain('11:30');
  expect(slots.map((s) => s.start)).not.toContain('11:50');
  expect(slots.map((s) => s.start)).toContain('13:00');
  const closed = await (await fetch(`${relay.base}/api/offices/kokurakita/services/passport/slots?from=2027-05-06&days=1`)).json();
  expect(closed).toEqual([]);

  // A second save keeps the new counter (no duplicate) and the form shows what is stored.
  await page.getByRole('button', { name: '設定を保存する' }).click();
  await expect(page.getByTestId('settings-saved')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('counters').locator('tbody tr')).toHaveCount(7);
  await expect(page.getByTestId('hours-2')).toHaveValue('08:30-12:00, 13:00-17:15');
  await expect(page.getByTestId('closed-days')).toHaveValue('2027-05-06\n');

  // The kiosk offers the new service and numbers it F.
  const kioskPage = await ctx.newPage();
  const kiosk = new KioskPage(kioskPage);
  await kiosk.open();
  expect(await kiosk.take(/旅券/)).toMatch(/^F-?0*1$/);
  errors.assertNone([/status of 401/]);
});

test('staff accounts: added, logs in, disabled and refused', async ({ browser }) => {
  const ctx = () => browser.newContext({ baseURL: relay.base, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  const page = await (await ctx()).newPage();
  await page.setViewportSize({ width: 1400, height: 900 });
  await loginAt(page, 'admin', ADMIN_PASSWORD);
  await page.getByRole('button', { name: '職員アカウント' }).click();
  await addStaff(page, 'tanaka.h', '田中 花子', 'short');
  await expect(page.getByTestId('staff-problem')).toHaveText('パスワードは10文字以上にしてください。');
  await addStaff(page, 'tanaka.h', '田中 花子', 'madoguchi-2027');
  const table = page.getByTestId('staff');
  await expect(table).toContainText('田中 花子');
  // Issue 17 item 13: every save says it was saved.
  await expect(page.getByRole('status')).toHaveText('職員を追加しました。');
  await shot(page, 'admin-staff');

  // The clerk logs in at the counter's queue page.
  const clerk = await (await ctx()).newPage();
  await clerk.goto('/queue');
  await clerk.getByLabel('ログインID').fill('tanaka.h');
  await clerk.getByLabel('パスワード').fill('madoguchi-2027');
  await clerk.getByRole('button', { name: 'ログイン' }).click();
  await expect(clerk.getByRole('heading', { name: '職員ログイン' })).toHaveCount(0);

  // Disabled: their next request is refused and logging in again fails.
  page.once('dialog', (d) => d.accept());
  await table.locator('tr', { hasText: 'tanaka.h' }).getByRole('button', { name: '無効にする' }).click();
  await expect(table.locator('tr', { hasText: 'tanaka.h' })).toContainText('無効');
  await expect(page.getByRole('status')).toHaveText('変更を保存しました。');
  const me = await clerk.request.get('/api/auth/me');
  expect(me.status()).toBe(401);
  await clerk.reload();
  await clerk.getByLabel('ログインID').fill('tanaka.h');
  await clerk.getByLabel('パスワード').fill('madoguchi-2027');
  await clerk.getByRole('button', { name: 'ログイン' }).click();
  await expect(clerk.getByRole('alert')).toBeVisible();
});

test('issue 21: wrong passwords lock an account; the clerk is told so in Japanese and an admin unlocks it', async ({ browser }) => {
  const ctx = () => browser.newContext({ baseURL: relay.base, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  const page = await (await ctx()).newPage();
  await page.setViewportSize({ width: 1400, height: 900 });
  await loginAt(page, 'admin', ADMIN_PASSWORD);
  await page.getByRole('button', { name: '職員アカウント' }).click();
  await addStaff(page, 'suzuki.k', '鈴木 健', 'madoguchi-2028');
  const table = page.getByTestId('staff');
  await expect(table).toContainText('鈴木 健');

  // Five wrong passwords at the counter lock the account; the right one then waits too.
  const clerk = await (await ctx()).newPage();
  await clerk.goto('/queue');
  const attempt = async (password) => {
    await clerk.getByLabel('ログインID').fill('suzuki.k');
    await clerk.getByLabel('パスワード').fill(password);
    await clerk.getByRole('button', { name: 'ログイン' }).click();
  };
  for (let i = 0; i < 5; i++) {
    await attempt(`wrong-${i}`);
    await expect(clerk.getByRole('alert')).toHaveText('ログインIDまたはパスワードが違います。');
  }
  await attempt('madoguchi-2028');
  await expect(clerk.getByRole('alert')).toHaveText(/一時的にロックされています/);
  await clerk.screenshot({ path: path.resolve('artifacts', 'login-locked.png') });

  // The admin sees the lock and lifts it; the clerk gets in.
  await page.reload();
  await page.getByRole('button', { name: '職員アカウント' }).click();
  const row = table.locator('tr', { hasText: 'suzuki.k' });
  await expect(row.getByTestId('staff-locked')).toHaveText('ロック中（パスワードの誤り）');
  await shot(page, 'admin-staff-locked');
  await row.getByRole('button', { name: 'ロックを解除' }).click();
  await expect(page.getByRole('status')).toHaveText('ロックを解除しました。この職員はログインできます。');
  await expect(row.getByTestId('staff-locked')).toHaveCount(0);
  await attempt('madoguchi-2028');
  await expect(clerk.getByRole('heading', { name: '職員ログイン' })).toHaveCount(0);

  // The audit trail tells the story: five wrong passwords, the refusal while locked, the
  // unlock by the admin, the clerk's login; filtered to failed logins, only those.
  await page.getByRole('button', { name: '操作の記録' }).click();
  const audit = page.getByTestId('audit-list');
  await expect(audit.locator('tbody tr').first()).toContainText('suzuki.k');
  await expect(audit.locator('tbody tr', { hasText: 'ログイン失敗' }).filter({ hasText: 'suzuki.k' })).toHaveCount(5);
  await expect(audit.locator('tbody tr', { hasText: '5回続けて誤り。30秒ロック' })).toHaveCount(1);
  await expect(audit.locator('tbody tr', { hasText: 'ログイン拒否（ロック中）' })).toHaveCount(1);
  await expect(audit.locator('tbody tr', { hasText: '職員アカウントを変更' }).filter({ hasText: 'ロック解除' })).toHaveCount(1);
  await shot(page, 'admin-audit');
  await page.locator('#audit-action').selectOption({ label: 'ログイン失敗（パスワードの誤り）' });
  // (an earlier test's refused login of a disabled account is among them)
  await expect(audit.locator('tbody tr', { hasText: 'suzuki.k' })).toHaveCount(5);
  const rows = await audit.locator('tbody tr').count();
  await expect(audit.locator('tbody tr', { hasText: 'ログイン失敗（パスワードの誤り）' })).toHaveCount(rows);
  const [bom, csv] = await page.evaluate(async () => {
    const bytes = new Uint8Array(await (await fetch('/api/audit/export.csv?action=login_failed')).arrayBuffer());
    return [Array.from(bytes.slice(0, 3)), new TextDecoder().decode(bytes)];
  });
  expect(bom).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 with a BOM: Excel in Japanese opens it as UTF-8
  expect(csv.split('\r\n')[0]).toBe('日時,操作,操作ID,職員ID,ログインID,事務所,対象,内容');
  expect(csv).toContain('ログイン失敗（パスワードの誤り）,login_failed');
  expect(csv).not.toContain('wrong-');
});

test('issue 17: unsaved admin changes ask before the tab or the page is left', async ({ browser }) => {
  const ctx = await browser.newContext({ baseURL: relay.base, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1400, height: 900 });
  await loginAt(page, 'admin', ADMIN_PASSWORD);
  const services = page.getByTestId('services');
  await services.locator('tbody tr').first().getByRole('textbox', { name: '平均対応時間（分）' }).fill('9');
  // Another tab: asked first; staying keeps the edit.
  let asked = '';
  page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
  await page.getByRole('button', { name: '職員アカウント' }).click();
  await expect.poll(() => asked).toBe('保存していない変更があります。保存せずに移動しますか？');
  await expect(services.locator('tbody tr').first().getByRole('textbox', { name: '平均対応時間（分）' })).toHaveValue('9');
  // Closing the page: the browser asks too.
  let kind = '';
  page.once('dialog', (d) => { kind = d.type(); d.dismiss(); });
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => kind).toBe('beforeunload');
  expect(page.isClosed()).toBe(false);
  // Saved: the tab changes without a question.
  await page.getByRole('button', { name: '設定を保存する' }).click();
  await expect(page.getByTestId('settings-saved')).toBeVisible();
  page.once('dialog', (d) => { throw new Error(`unexpected dialog: ${d.message()}`); });
  await page.getByRole('button', { name: '職員アカウント' }).click();
  await expect(page.locator('form.add-device')).toBeVisible();
  errors.assertNone([/status of 401/]);
});
