// Pairing lobby devices, on a relay of its own (pairing a kiosk closes the office to
// unpaired browsers, which the other tests use): an admin adds a kiosk in /admin and gets an
// 8-digit code; the kiosk types it at /pair and takes tickets; an unpaired browser is told
// it is not a registered kiosk; the admin can open the office to any browser and close it
// again; revoking the last kiosk asks whether to open it (issue 17 item 9).
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ADMIN_PASSWORD, KioskPage, watchErrors } from './fixtures/pages.mjs';
import { startRelay, tempDataDir } from './fixtures/relay.mjs';

const PORT = 18094;
let relay;
test.beforeAll(async () => {
  relay = await startRelay(PORT, tempDataDir());
});
test.afterAll(async () => relay?.child.kill('SIGKILL'));

async function shot(locator, name) {
  mkdirSync(path.resolve('artifacts'), { recursive: true });
  await locator.screenshot({ path: path.resolve('artifacts', `${name}.png`) });
}

test('an admin pairs a kiosk by code; only paired kiosks take tickets; revoking stops it', async ({ browser }) => {
  const ctx = () => browser.newContext({ baseURL: relay.base, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  const adminCtx = await ctx();
  const admin = await adminCtx.newPage();
  const adminErrors = watchErrors(admin);
  await admin.setViewportSize({ width: 1280, height: 800 });
  await admin.goto('/admin');
  await admin.getByLabel('ログインID').fill('admin');
  await admin.getByLabel('パスワード').fill(ADMIN_PASSWORD);
  await admin.getByRole('button', { name: 'ログイン' }).click();
  await admin.getByRole('button', { name: '端末' }).click();
  await expect(admin.getByText('登録された端末はありません。')).toBeVisible();
  await admin.getByLabel('設置場所').fill('1階ロビー 受付機1');
  await admin.getByRole('button', { name: '端末を追加する' }).click();
  const digits = (await admin.getByTestId('pairing-digits').textContent()).replace(/\s/g, '');
  expect(digits).toMatch(/^\d{8}$/);
  await expect(admin.getByTestId('devices')).toContainText('登録待ち');
  await shot(admin.locator('.devices'), 'admin-pairing-code');

  // The kiosk: /pair, the code, then its screen.
  const kioskCtx = await ctx();
  const kiosk = await kioskCtx.newPage();
  const kioskErrors = watchErrors(kiosk);
  await kiosk.setViewportSize({ width: 1080, height: 1920 });
  await kiosk.goto('/pair');
  await kiosk.getByLabel('登録番号（8桁）').fill('00000000');
  await kiosk.getByRole('button', { name: '登録する' }).click();
  await expect(kiosk.getByRole('alert')).toContainText('この登録番号は使えません');
  await kiosk.getByLabel('登録番号（8桁）').fill(`${digits.slice(0, 4)} ${digits.slice(4)}`);
  await kiosk.getByRole('button', { name: '登録する' }).click();
  await expect(kiosk.getByTestId('paired')).toHaveText('この端末を登録しました： 1階ロビー 受付機1（受付機）');
  const axe = await new AxeBuilder({ page: kiosk }).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  await kiosk.getByRole('link', { name: '画面を開く' }).click();
  const paired = new KioskPage(kiosk);
  await expect(kiosk.getByRole('heading', { name: 'ご用件を選んでください' })).toBeVisible();
  expect(await paired.take(/住民異動/)).toMatch(/^A-?0*1$/);

  // Another browser is not a registered kiosk.
  const strangerCtx = await ctx();
  const stranger = await strangerCtx.newPage();
  await stranger.setViewportSize({ width: 1080, height: 1920 });
  // Issue 17 item 9: it says so as it starts, before a resident taps anything.
  await stranger.goto('/kiosk?office=kokurakita');
  await expect(stranger.getByTestId('not-paired')).toContainText('この受付機は登録されていないため、番号札を発行できません。');
  await expect(stranger.getByRole('button', { name: /住民異動/ })).toHaveCount(0);
  await shot(stranger.getByTestId('not-paired'), 'kiosk-not-paired');

  // The admin sees it paired and the office taking tickets only at its kiosks.
  await admin.reload();
  await expect(admin.getByTestId('devices')).toContainText('登録済み');
  const policy = admin.getByTestId('kiosk-policy');
  const only = policy.getByLabel('番号札の発行と予約の受付を、登録済みの受付機に限る');
  await expect(only).toBeChecked();
  await expect(policy).toContainText('いまは登録済みの受付機からだけ番号札を発行しています。');
  // Every confirmation the admin is asked, in order.
  const asked = [];
  admin.on('dialog', (d) => {
    asked.push(d.message());
    d.accept();
  });

  // Issue 17 item 9: the admin can switch "paired kiosks only" off (asked first) and on again.
  await only.uncheck();
  await expect(policy).toContainText('いまはどの端末のブラウザからでも番号札を発行できます。');
  expect(asked.pop()).toBe('登録していない端末のブラウザからでも番号札を発行できるようになります。よろしいですか。');
  await stranger.reload();
  await expect(stranger.getByTestId('not-paired')).toHaveCount(0);
  expect(await new KioskPage(stranger).take(/国民健康保険/)).toMatch(/^B-?0*1$/);
  await only.check();
  await expect(policy).toContainText('いまは登録済みの受付機からだけ番号札を発行しています。');
  await stranger.goto('/kiosk?office=kokurakita');
  await expect(stranger.getByTestId('not-paired')).toBeVisible();

  // Revoking the last kiosk asks whether to open the office to any browser again.
  await admin.getByRole('button', { name: '登録を解除する' }).click();
  await expect(admin.getByTestId('devices')).toContainText('登録解除');
  await expect(policy).toContainText('いまはどの端末のブラウザからでも番号札を発行できます。');
  expect(asked).toEqual([
    'この端末の登録を解除します。よろしいですか。',
    '番号札を発行できる受付機がなくなりました。\n\n登録していない端末のブラウザからでも番号札を発行できるように戻しますか。\n\n「キャンセル」を選ぶと、新しい受付機を登録するまで番号札は発行されません。',
  ]);
  // With no kiosk left, "only at kiosks" cannot be turned on (nobody could take a ticket).
  await expect(only).not.toBeChecked();
  await expect(only).toBeDisabled();
  await expect(policy).toContainText('受付機を登録すると、自動的に登録済みの受付機に限られます。');
  await shot(admin.locator('.devices'), 'admin-kiosk-policy-after-revoke');
  // The revoked kiosk is an ordinary browser again: the office is open to it.
  await kiosk.goto('/kiosk?office=kokurakita');
  await expect(kiosk.getByRole('heading', { name: 'ご用件を選んでください' })).toBeVisible();
  await expect(kiosk.getByTestId('not-paired')).toHaveCount(0);

  adminErrors.assertNone([/status of 401/]);
  kioskErrors.assertNone([/status of 404|status of 401/]);
  for (const c of [adminCtx, kioskCtx, strangerCtx]) await c.close();
});
