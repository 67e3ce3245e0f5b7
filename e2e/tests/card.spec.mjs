// Card reading at the counter through an emulated navigator.usb (fixtures/fake-usb.js), at the
// USB transfer level: an RC-S380, a TPDU-level vendor-class CCID reader (T=1) and an APDU-level
// CCID reader, each holding a simulated My Number card; plus every refusal staff can meet.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ADMIN_PASSWORD, watchErrors } from './fixtures/pages.mjs';

const FAKE = path.resolve('tests/fixtures/fake-usb.js');

/** axe-core on the reader panel: no serious or critical violation. */
async function assertAccessible(page, name) {
  const results = await new AxeBuilder({ page }).include('[data-testid=card-reader]').analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help}`), `axe on ${name}`).toEqual([]);
}

/** Screenshots the applicant column (reader panel and manual entry) into e2e/artifacts/. */
async function snapshot(page, name) {
  mkdirSync(path.resolve('artifacts'), { recursive: true });
  await page.locator('fieldset.applicant').screenshot({ path: path.resolve('artifacts', `${name}.png`) });
}

async function counterWith(page, config) {
  await page.addInitScript((c) => { window.__FAKE_USB_CONFIG__ = c; }, config);
  await page.addInitScript({ path: FAKE });
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto('/counter?city=kitakyushu');
  await page.getByLabel('ログインID').fill('admin');
  await page.getByLabel('パスワード').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.getByRole('button', { name: /身体障害者手帳/ }).click();
  const panel = page.getByTestId('card-reader');
  await expect(panel).toBeVisible();
  return panel;
}

async function enterPin(page, digits) {
  const pad = page.getByTestId('pin-pad');
  for (const d of digits) await pad.getByRole('button', { name: d, exact: true }).click();
  await expect(page.getByTestId('pin-dots')).toHaveText('●●●●');
  await page.getByTestId('pin-submit').click();
}

async function neverTouchedEf0001(page) {
  const apdus = await page.evaluate(() => window.__fakeUsb.apdus);
  expect(apdus.length).toBeGreaterThanOrEqual(7);
  for (const a of apdus) {
    expect(a.startsWith('00 a4 02 0c 02 00 01'), `EF 0001 selected: ${a}`).toBe(false);
    expect(/^00 b0 81 /.test(a), `EF 0001 read by SFI: ${a}`).toBe(false);
  }
}

async function expectReview(page, name, address, birth, sex) {
  const review = page.getByTestId('card-review');
  await expect(review).toBeVisible({ timeout: 20_000 });
  await expect(review.getByLabel('氏名')).toHaveValue(name);
  await expect(review.getByLabel('住所')).toHaveValue(address);
  await expect(review.getByLabel('生年月日')).toHaveValue(birth);
  await expect(review.getByRole('radio', { name: sex })).toBeChecked();
  return review;
}

test('RC-S380: the resident types the PIN, staff review and the forms are filled', async ({ page }) => {
  const errors = watchErrors(page);
  const panel = await counterWith(page, { reader: 'rcs380' });
  await expect(page.getByTestId('reader-status')).toContainText('未接続');
  await snapshot(page, 'card-panel-idle');
  await panel.getByRole('button', { name: 'カードリーダーを接続' }).click();
  await expect(page.getByTestId('reader-status')).toContainText('ソニー RC-S380');
  await expect(page.getByTestId('reader-status')).toContainText('カードあり');
  await snapshot(page, 'card-panel-ready');

  await panel.getByRole('button', { name: /暗証番号で読み取る/ }).click();
  await expect(page.getByTestId('tries')).toHaveText('残り3回');
  await page.getByTestId('pin-pad').getByRole('button', { name: '1', exact: true }).click();
  await expect(page.getByTestId('pin-dots')).toHaveText('●○○○');
  await page.getByTestId('pin-pad').getByRole('button', { name: '訂正' }).click();
  await expect(page.getByTestId('pin-dots')).toHaveText('○○○○');
  await snapshot(page, 'card-pin-pad');
  await assertAccessible(page, 'PIN pad');
  await enterPin(page, '1234');

  const review = await expectReview(page, '試験　花子', '架空県架空市試験町１－２－３', '1985-04-01', '女');
  await snapshot(page, 'card-review');
  await assertAccessible(page, 'review');
  // Staff correct a field before it goes into the forms.
  await review.getByLabel('住所').fill('架空県架空市試験町１－２－３　架空ハイツ101');
  await review.getByTestId('review-apply').click();
  await expect(panel.getByText('カードの内容を申請者欄に入力しました。')).toBeVisible();
  const applicant = page.locator('fieldset.applicant');
  await expect(applicant.getByLabel('氏名', { exact: true })).toHaveValue('試験　花子');
  await expect(applicant.getByLabel('住所', { exact: true })).toHaveValue('架空県架空市試験町１－２－３　架空ハイツ101');
  await expect(applicant.getByLabel('生年月日', { exact: true })).toHaveValue('1985-04-01');
  await expect(applicant.getByRole('radiogroup', { name: '性別' }).getByRole('radio', { name: '女' })).toBeChecked();
  await neverTouchedEf0001(page);
  // The card was powered off after the read (SwitchRF off), and no PIN is left on the page.
  expect(await page.content()).not.toContain('1234');
  // After the field was switched off the reader still follows the card (issue 25 item 8: the
  // fake, like a real card, hears nothing until InSetRF 106B is sent again).
  await page.evaluate(() => window.__fakeUsb.remove());
  await expect(page.getByTestId('reader-status')).toContainText('カードを置いてください');
  await page.evaluate(() => window.__fakeUsb.insert());
  await expect(page.getByTestId('reader-status')).toContainText('カードあり');
  errors.assertNone();
});

test('at one try left, Enter on the keyboard sends nothing until the box is ticked (issue 17)', async ({ page }) => {
  const errors = watchErrors(page);
  const panel = await counterWith(page, { reader: 'rcs380', card: { name: '試験　花子', address: '架空県架空市', birth: '19850401', sex: '2', pinTries: 1 } });
  await panel.getByRole('button', { name: 'カードリーダーを接続' }).click();
  await expect(page.getByTestId('reader-status')).toContainText('カードあり');
  await panel.getByRole('button', { name: /暗証番号で読み取る/ }).click();
  await expect(page.getByTestId('tries')).toHaveText('残り1回');
  const pad = page.getByTestId('pin-pad');
  await pad.focus();
  await page.keyboard.type('1234');
  await expect(page.getByTestId('pin-dots')).toHaveText('●●●●');
  await page.keyboard.press('Enter');
  // Nothing reached the card, nothing says the PIN is wrong, and the digits are still there.
  await expect(page.getByTestId('pin-submit')).toBeDisabled();
  await expect(page.getByTestId('pin-dots')).toHaveText('●●●●');
  await expect(page.getByTestId('card-error')).toHaveCount(0);
  const verifies = (await page.evaluate(() => window.__fakeUsb.apdus)).filter((a) => a.startsWith('00 20 00 80 04'));
  expect(verifies).toEqual([]);
  await pad.getByLabel('残り1回であることをご本人に伝えました').check();
  await pad.focus();
  await page.keyboard.press('Enter');
  await expectReview(page, '試験　花子', '架空県架空市', '1985-04-01', '女');
  errors.assertNone();
});

test('vendor-class CCID reader at TPDU level (T=1): staff key the 照合番号B', async ({ page }) => {
  const errors = watchErrors(page);
  const panel = await counterWith(page, {
    reader: 'ccid-tpdu',
    card: { name: '長名　太郎', address: '架空県'.repeat(13) + '市', birth: '20000229', sex: '1' },
  });
  await panel.getByRole('button', { name: 'カードリーダーを接続' }).click();
  await expect(page.getByTestId('reader-status')).toContainText('SCR3310');
  await panel.getByRole('button', { name: /照合番号Bで読み取る/ }).click();
  const form = page.getByTestId('code-b');
  await expect(form.getByTestId('tries')).toHaveText('残り10回');
  await form.getByLabel(/生年月日/).fill('600401');
  await form.getByLabel(/有効期限の年/).fill('2030');
  await form.getByLabel(/セキュリティコード/).fill('1234');
  await snapshot(page, 'card-code-b');
  await form.getByRole('button', { name: '決定' }).click();
  await expectReview(page, '長名　太郎', '架空県'.repeat(13) + '市', '2000-02-29', '男');
  await neverTouchedEf0001(page);
  errors.assertNone();
});

test('APDU-level CCID reader: a wrong PIN shows the tries left, the last try needs a confirmation', async ({ page }) => {
  const errors = watchErrors(page);
  const panel = await counterWith(page, { reader: 'ccid-apdu', card: { name: '〓田　一郎', address: '架空県架空市', birth: '19500101', sex: '9', pinTries: 2 } });
  await panel.getByRole('button', { name: 'カードリーダーを接続' }).click();
  await expect(page.getByTestId('reader-status')).toContainText('カードあり');
  await panel.getByRole('button', { name: /暗証番号で読み取る/ }).click();
  await expect(page.getByTestId('tries')).toHaveText('残り2回');
  await enterPin(page, '9999');
  await expect(page.getByTestId('card-error')).toHaveText('暗証番号が違います。あと1回間違えるとロックされます。');
  await expect(page.getByTestId('tries')).toHaveText('残り1回');
  const pad = page.getByTestId('pin-pad');
  for (const d of '1234') await pad.getByRole('button', { name: d, exact: true }).click();
  await expect(page.getByTestId('pin-submit')).toBeDisabled();
  await snapshot(page, 'card-last-try');
  await pad.getByLabel('残り1回であることをご本人に伝えました').check();
  await page.getByTestId('pin-submit').click();
  // Sex 9 (not applicable) leaves the choice to staff, and 〓 is flagged as a substitute.
  const r = page.getByTestId('card-review');
  await expect(r).toBeVisible({ timeout: 20_000 });
  await expect(r.getByLabel('氏名')).toHaveValue('〓田　一郎');
  await expect(r.getByLabel('生年月日')).toHaveValue('1950-01-01');
  await expect(r.getByRole('alert').filter({ hasText: '外字の可能性' })).toContainText('「〓」');
  await expect(r.getByRole('alert').filter({ hasText: '性別' })).toHaveText('カードの性別は「適用不能」です。申請書の記載を確かめて選んでください。');
  await expect(r.getByRole('radio', { name: '男' })).not.toBeChecked();
  await expect(r.getByRole('radio', { name: '女' })).not.toBeChecked();
  await snapshot(page, 'card-review-flags');
  await neverTouchedEf0001(page);
  errors.assertNone();
});

test('Web Smart Card API: the reader is used without a chooser and the PIN read works', async ({ page }) => {
  const errors = watchErrors(page);
  await counterWith(page, { reader: 'rcs380', smartCard: true });
  await expect(page.getByTestId('reader-status')).toContainText('Fake PC/SC Reader 00 00');
  await expect(page.getByTestId('reader-status')).toContainText('カードあり');
  await page.getByRole('button', { name: /暗証番号で読み取る/ }).click();
  await enterPin(page, '1234');
  await expectReview(page, '試験　花子', '架空県架空市試験町１－２－３', '1985-04-01', '女');
  await neverTouchedEf0001(page);
  errors.assertNone();
});

test('driver\'s licence on the RC-S380: PIN 1, JIS X 0208 text and the era birth date', async ({ page }) => {
  const errors = watchErrors(page);
  const panel = await counterWith(page, {
    reader: 'rcs380',
    licence: {
      // 試験　花子 / 架空県架空市試験町１丁目２番３号 in JIS X 0208; 昭和60年4月1日.
      nameJis: [0x3b, 0x6e, 0x38, 0x33, 0x21, 0x21, 0x32, 0x56, 0x3b, 0x52],
      addressJis: [0x32, 0x4d, 0x36, 0x75, 0x38, 0x29, 0x32, 0x4d, 0x36, 0x75, 0x3b, 0x54, 0x3b, 0x6e, 0x38, 0x33, 0x44, 0x2e,
        0x23, 0x31, 0x43, 0x7a, 0x4c, 0x5c, 0x23, 0x32, 0x48, 0x56, 0x23, 0x33, 0x39, 0x66],
      birth: '3600401',
    },
  });
  await panel.getByRole('button', { name: 'カードリーダーを接続' }).click();
  await panel.getByRole('button', { name: /運転免許証を読み取る/ }).click();
  await expect(page.getByText('運転免許証の暗証番号1（数字4桁）を入力してください')).toBeVisible();
  await expect(page.getByTestId('tries')).toHaveText('残り3回');
  await enterPin(page, '1234');
  const r = page.getByTestId('card-review');
  await expect(r).toBeVisible({ timeout: 20_000 });
  await expect(r.getByLabel('氏名')).toHaveValue('試験　花子');
  await expect(r.getByLabel('住所')).toHaveValue('架空県架空市試験町１丁目２番３号');
  await expect(r.getByLabel('生年月日')).toHaveValue('1985-04-01');
  // Issue 17 item 3: 和暦 as the card face prints it, and the whole address in view.
  await expect(r.getByTestId('rv-wareki')).toHaveText('昭和60年4月1日');
  const address = r.getByLabel('住所');
  expect(await address.evaluate((e) => e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight + 1)).toBe(true);
  await expect(r.getByRole('alert')).toHaveText('運転免許証には性別が記録されていません。確かめて選んでください。');
  await snapshot(page, 'card-licence-review');
  const apdus = await page.evaluate(() => window.__fakeUsb.apdus);
  // MF, then whether PIN 1 is set (MF/EF02 by SFI 0x0A: hmpow/DLC_Starter issetPin), then the tries.
  expect(apdus.slice(0, 3)).toEqual(['00 a4 00 00', '00 b0 8a 00 03', '00 20 00 81']);
  await expect(page.getByTestId('no-pin-submit')).toHaveCount(0);
  errors.assertNone();
});

// 試験　花子 / 架空県架空市試験町１丁目２番３号 in JIS X 0208.
const NAME_JIS = [0x3b, 0x6e, 0x38, 0x33, 0x21, 0x21, 0x32, 0x56, 0x3b, 0x52];
const ADDRESS_JIS = [0x32, 0x4d, 0x36, 0x75, 0x38, 0x29, 0x32, 0x4d, 0x36, 0x75, 0x3b, 0x54, 0x3b, 0x6e, 0x38, 0x33, 0x44, 0x2e,
  0x23, 0x31, 0x43, 0x7a, 0x4c, 0x5c, 0x23, 0x32, 0x48, 0x56, 0x23, 0x33, 0x39, 0x66];

test('issue 25: a licence without a PIN is read with 「暗証番号を設定していない」, sending ****', async ({ page }) => {
  const errors = watchErrors(page);
  const panel = await counterWith(page, {
    reader: 'rcs380',
    licence: { nameJis: NAME_JIS, addressJis: ADDRESS_JIS, birth: '3600401', pinSet: false },
  });
  await panel.getByRole('button', { name: 'カードリーダーを接続' }).click();
  await panel.getByRole('button', { name: /運転免許証を読み取る/ }).click();
  await expect(page.getByText('この運転免許証には暗証番号が設定されていません')).toBeVisible();
  // No digits to guess against three tries: the pad is not shown at all.
  await expect(page.getByTestId('pin-pad')).toHaveCount(0);
  await snapshot(page, 'card-licence-no-pin');
  await page.getByRole('button', { name: '暗証番号を設定していない' }).click();
  const r = page.getByTestId('card-review');
  await expect(r).toBeVisible({ timeout: 20_000 });
  await expect(r.getByLabel('氏名')).toHaveValue('試験　花子');
  const apdus = await page.evaluate(() => window.__fakeUsb.apdus);
  // VERIFY PIN 1 with "****" (TRETJapanNFCReader readMatters: pin1 = [0x2A, 0x2A, 0x2A, 0x2A]).
  expect(apdus).toContain('00 20 00 81 04 2a 2a 2a 2a');
  errors.assertNone();
});

test('issue 25: a licence that does not say whether a PIN is set offers both', async ({ page }) => {
  const errors = watchErrors(page);
  const panel = await counterWith(page, {
    reader: 'rcs380',
    licence: { nameJis: NAME_JIS, addressJis: ADDRESS_JIS, birth: '3600401', noEf02: true },
  });
  await panel.getByRole('button', { name: 'カードリーダーを接続' }).click();
  await panel.getByRole('button', { name: /運転免許証を読み取る/ }).click();
  await expect(page.getByTestId('pin-pad')).toBeVisible();
  await expect(page.getByTestId('no-pin-submit')).toBeVisible();
  await enterPin(page, '1234');
  await expect(page.getByTestId('card-review')).toBeVisible({ timeout: 20_000 });
  errors.assertNone();
});

test('issue 25: a 外字 (FF F1) in the licence name reads, shown as 〓 and flagged for staff', async ({ page }) => {
  const errors = watchErrors(page);
  // 〓(FF F1: 外字 1, e.g. 髙) 橋(36 36)　花子
  const name = [0xff, 0xf1, 0x36, 0x36, 0x21, 0x21, 0x32, 0x56, 0x3b, 0x52];
  const panel = await counterWith(page, {
    reader: 'rcs380',
    // A long address (three times over): the review shows all of it, wrapped.
    licence: { nameJis: name, addressJis: [...ADDRESS_JIS, ...ADDRESS_JIS, ...ADDRESS_JIS], birth: '3600401' },
  });
  await panel.getByRole('button', { name: 'カードリーダーを接続' }).click();
  await panel.getByRole('button', { name: /運転免許証を読み取る/ }).click();
  await enterPin(page, '1234');
  const r = page.getByTestId('card-review');
  await expect(r).toBeVisible({ timeout: 20_000 });
  await expect(r.getByLabel('氏名')).toHaveValue('〓橋　花子');
  const address = r.getByLabel('住所');
  await expect(address).toHaveValue('架空県架空市試験町１丁目２番３号'.repeat(3));
  expect(await address.evaluate((e) => e.scrollHeight <= e.clientHeight + 1 && e.scrollWidth <= e.clientWidth)).toBe(true);
  await expect(r.getByRole('alert').first()).toContainText('「〓」');
  await snapshot(page, 'card-licence-gaiji');
  errors.assertNone();
});

test('card insertion and removal update the panel live (CCID interrupt pipe)', async ({ page }) => {
  const errors = watchErrors(page);
  const panel = await counterWith(page, { reader: 'ccid-tpdu', card: null });
  await panel.getByRole('button', { name: 'カードリーダーを接続' }).click();
  await expect(page.getByTestId('reader-status')).toContainText('カードを置いてください');
  await page.evaluate(() => window.__fakeUsb.insert());
  await expect(page.getByTestId('reader-status')).toContainText('カードあり');
  await page.evaluate(() => window.__fakeUsb.remove());
  await expect(page.getByTestId('reader-status')).toContainText('カードを置いてください');
  await panel.getByRole('button', { name: /暗証番号で読み取る/ }).click();
  await expect(page.getByTestId('card-error')).toHaveText('カードをリーダーに置いてください。');
  await snapshot(page, 'card-no-card');
  errors.assertNone();
});

for (const [name, config, message] of [
  ['protected class 0x0B reader', { reader: 'ccid-class' }, 'このカードリーダーは、ブラウザの安全上の制限により直接使えません。'],
  ['reader held by another program', { reader: 'rcs380', refuse: 'busy' }, 'カードリーダーが他のソフトに使われています。'],
  ['chooser closed', { reader: 'rcs380', refuse: 'chooser' }, 'カードリーダーが選ばれませんでした。'],
]) {
  test(`refusal: ${name}`, async ({ page }) => {
    const panel = await counterWith(page, config);
    await panel.getByRole('button', { name: 'カードリーダーを接続' }).click();
    await expect(page.getByTestId('card-error')).toContainText(message);
    await expect(panel.getByRole('button', { name: 'カードリーダーを接続' })).toBeEnabled();
    // Manual entry stays available.
    await page.locator('fieldset.applicant').getByLabel('氏名', { exact: true }).fill('山田 太郎');
    await snapshot(page, `card-refusal-${config.refuse || config.reader}`);
  });
}

test('refusal: a browser without WebUSB says which browsers work', async ({ page }) => {
  const panel = await counterWith(page, { refuse: 'no-usb' });
  await expect(panel.getByTestId('card-unsupported')).toHaveText(
    'このブラウザではカードリーダーを使えません。Google Chrome か Microsoft Edge で開いてください。手入力でも続けられます。');
  await snapshot(page, 'card-refusal-no-usb');
});

test('issue 25: 記録モード, turned on by an admin for this PC, records a read masked for download', async ({ page }) => {
  const errors = watchErrors(page);
  // Off by default: the card panel offers no recording.
  const panel = await counterWith(page, { reader: 'rcs380' });
  await expect(panel.getByTestId('capture')).toHaveCount(0);
  await page.goto('/admin');
  await page.getByRole('button', { name: '端末' }).click();
  await page.getByLabel('カード読み取りの記録モードを使えるようにする').check();
  await expect(page.getByText('「この読み取りを記録する」が表示されます')).toBeVisible();
  await page.locator('.this-pc').screenshot({ path: path.resolve('artifacts', 'admin-capture-mode.png') });
  // Back at the counter the visit of this tab comes back by itself (issue 19).
  await page.goto('/counter?city=kitakyushu');
  await expect(page.getByRole('heading', { name: '身体障害者手帳を受け取ったとき' })).toBeVisible();
  await panel.getByRole('button', { name: 'カードリーダーを接続' }).click();
  await panel.getByLabel('この読み取りを記録する（記録モード）').check();
  await panel.getByRole('button', { name: /暗証番号で読み取る/ }).click();
  await enterPin(page, '1234');
  await expectReview(page, '試験　花子', '架空県架空市試験町１－２－３', '1985-04-01', '女');
  await page.getByTestId('review-apply').click();
  const link = panel.getByTestId('capture-download');
  await expect(link).toBeVisible();
  await snapshot(page, 'card-capture-ready');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(download.suggestedFilename()).toMatch(/^mado-capture-rcs380-pin-\d{8}-\d{4}\.txt$/);
  const text = await (await import('node:fs/promises')).readFile(await download.path(), 'utf8');
  expect(text).toContain('reader: rcs380');
  expect(text).toContain('flow: pin');
  // The VERIFY went out as 0000; the PIN 1234 and the record are nowhere in the file.
  expect(text).toContain('00 20 00 80 04 30 30 30 30');
  expect(text).not.toContain('04 31 32 33 34');
  const utf8 = (s) => Array.from(new TextEncoder().encode(s), (b) => b.toString(16).padStart(2, '0')).join(' ');
  for (const personal of ['試験', '架空県', '19850401']) {
    expect(text, personal).not.toContain(utf8(personal));
  }
  expect(text).toContain('# file: 券面事項入力補助AP / EF 0002: 基本4情報');
  errors.assertNone();
});
