// Issue 19: the visit has a home. A reload in the middle of a visit brings back everything
// entered; 「次の方」 leaves no personal data in the page's IndexedDB; with the relay killed
// mid-visit the counter reloads from the service worker's cache, guides and prints, and its
// record is sent exactly once when the relay is back (checked through the API).
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ADMIN_PASSWORD, answerShown, snapshot, watchErrors } from './fixtures/pages.mjs';
import { crash, startRelay, tempDataDir } from './fixtures/relay.mjs';

async function login(page, base = '') {
  await page.goto(`${base}/counter?city=kitakyushu`);
  // Issue 19 item 7: the login field has the focus on arrival.
  await expect(page.getByLabel('ログインID')).toBeFocused();
  await page.getByLabel('ログインID').fill('admin');
  await page.getByLabel('パスワード').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
}

async function answer(page, question, value) {
  if (/^\d/.test(value)) await page.getByLabel(question, { exact: true }).fill(value);
  else await page.getByRole('group', { name: question }).getByRole('radio', { name: value, exact: true }).check();
}

/** A 手帳 visit begun: the life event, some answers, the applicant, one mark. */
async function beginTecho(page) {
  await page.getByRole('button', { name: /身体障害者手帳/ }).click();
  const script = [];
  for (const [q, v] of [
    ['身体障害者手帳の手続きはどこまで進んでいますか', '手帳を受け取った'],
    ['手帳を受け取った日（まだ届いていない方は申請した日）はいつですか', '2026-11-10'],
    ['ご本人の生年月日はいつですか', '1956-04-10'],
    ['手帳の等級（総合等級）は何級ですか', '1'],
    ['手帳に書かれている障害をすべて選んでください', ['心臓機能障害']],
    ['ご本人の健康保険はどれですか', '国民健康保険'],
  ]) {
    script.push([q, v]);
  }
  await answerShown(page, script);
  await page.locator('#applicant-name').fill('田中 一郎');
  await page.locator('#applicant-kana').fill('たなか いちろう');
  await page.locator('#applicant-address').fill('福岡県北九州市小倉北区大手町1番1号');
  await page.getByRole('radiogroup', { name: '性別' }).first().getByRole('radio', { name: '男' }).check();
}

/** Everything the page keeps in IndexedDB, as text. */
async function kept(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('mado-desk');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = [...db.objectStoreNames];
          if (names.length === 0) return resolve({});
          const tx = db.transaction(names, 'readonly');
          const out = {};
          for (const n of names) {
            const req = tx.objectStore(n).getAll();
            req.onsuccess = () => (out[n] = req.result.map(String));
          }
          tx.oncomplete = () => resolve(out);
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

test('a reload in the middle of a visit brings back its answers, people and marks', async ({ page }) => {
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1366, height: 900 });
  await login(page);
  await beginTecho(page);
  await page.getByRole('button', { name: '本日受付', exact: true }).first().click();
  await expect(page.getByRole('button', { name: '本日受付', exact: true }).first()).toHaveAttribute('aria-pressed', 'true');
  // Saved on every change: the name is in IndexedDB before the reload.
  await expect.poll(async () => JSON.stringify(await kept(page))).toContain('田中 一郎');
  await page.reload();
  await expect(page.locator('#applicant-name')).toHaveValue('田中 一郎');
  await expect(page.locator('#applicant-kana')).toHaveValue('たなか いちろう');
  await expect(page.getByLabel('手帳の等級（総合等級）は何級ですか')).toHaveValue('1');
  await expect(page.getByRole('group', { name: '手帳に書かれている障害をすべて選んでください' }).getByRole('checkbox', { name: '心臓機能障害' })).toBeChecked();
  await expect(page.getByRole('button', { name: '本日受付', exact: true }).first()).toHaveAttribute('aria-pressed', 'true');
  await snapshot(page, 'visit-after-reload');
  await page.locator('.forms-panel').screenshot({ path: 'artifacts/visit-forms-panel.png' });
  errors.assertNone();
});

test('「次の方」 ends the visit: its record is sent once and no personal data stays in IndexedDB', async ({ page }) => {
  const errors = watchErrors(page);
  await login(page);
  await beginTecho(page);
  await expect.poll(async () => JSON.stringify(await kept(page))).toContain('田中 一郎');
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: '次の方' }).click();
  await expect(page.getByRole('button', { name: /身体障害者手帳/ })).toBeVisible();
  // The record reached the relay (the outbox is empty once it has).
  await expect.poll(async () => (await kept(page)).outbox?.length ?? 0).toBe(0);
  await expect.poll(async () => JSON.stringify(await kept(page))).not.toContain('田中');
  const records = await page.evaluate(async () => (await fetch('/api/offices/kokurakita/guide-records')).json());
  const mine = records.filter((r) => r.pack === 'shintai-techo' && r.done_at_ms);
  expect(mine.length).toBeGreaterThanOrEqual(1);
  expect(mine[0].started_at_ms).toBeLessThanOrEqual(mine[0].done_at_ms);
  // A new visit starts empty.
  await page.getByRole('button', { name: /身体障害者手帳/ }).click();
  await expect(page.locator('#applicant-name')).toHaveValue('');
  errors.assertNone();
});

// Issue 21 item 3: a visit's record goes by the visit, not by an idempotency key. Saved
// mid-visit, then changed and ended, the relay keeps one record with what the visit ended
// with (with a key, the second send was answered with the first record and its changes lost).
test('a record saved mid-visit and ended later is one record with its last answers and its end', async ({ page }) => {
  const errors = watchErrors(page);
  await login(page);
  await beginTecho(page);
  await page.getByRole('button', { name: '記録を保存' }).click();
  const mine = async () => {
    const records = await page.evaluate(async () => (await fetch('/api/offices/kokurakita/guide-records')).json());
    return records.filter((r) => r.pack === 'shintai-techo' && r.answers.birth_date === '1956-04-10');
  };
  // Saved, not ended: the one record of this pack without an end.
  await expect.poll(async () => (await mine()).filter((r) => !r.done_at_ms).length).toBe(1);
  const before = (await mine()).map((r) => r.id);
  const saved = (await mine()).find((r) => !r.done_at_ms);
  await answer(page, '手帳の等級（総合等級）は何級ですか', '2');
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: '次の方' }).click();
  await expect(page.getByRole('button', { name: /身体障害者手帳/ })).toBeVisible();
  await expect.poll(async () => (await kept(page)).outbox?.length ?? 0).toBe(0);
  await expect.poll(async () => (await mine()).find((r) => r.id === saved.id)?.done_at_ms ?? 0).toBeGreaterThan(0);
  const after = await mine();
  expect(after.map((r) => r.id).sort()).toEqual(before.sort());
  expect(after.find((r) => r.id === saved.id).answers.grade).toBe(2);
  errors.assertNone();
});

test('with the relay killed mid-visit the counter reloads from cache, guides, prints, and the record syncs once', async ({ page }) => {
  const PORT = 18197;
  const dir = tempDataDir();
  let relay = await startRelay(PORT, dir);
  // Whatever happens, no relay is left running on the port.

  const cleanup = () => relay.child.exitCode === null && relay.child.kill('SIGKILL');
  process.once('exit', cleanup);
  const base = relay.base;
  await page.setViewportSize({ width: 1366, height: 900 });
  await login(page, base);
  await beginTecho(page);
  // The service worker controls the page once it has kept the desk.
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 30_000 });
  await expect.poll(async () => JSON.stringify(await kept(page))).toContain('田中 一郎');

  await crash(relay);
  await page.reload();
  // Loaded from the cache: the visit is back and the guide still answers.
  await expect(page.locator('#applicant-name')).toHaveValue('田中 一郎');
  await answer(page, 'ご本人はいまどこで暮らしていますか', '自宅（入院が3か月以内の場合を含む）');
  await expect(page.getByRole('heading', { name: '重度障害者医療証の交付申請' })).toBeVisible();
  // What is entered offline is kept on the PC too.
  await expect.poll(async () => JSON.stringify(await kept(page))).toContain('\\"residence\\":\\"home\\"');
  // Printing needs no relay: the font is kept.
  await page.getByRole('button', { name: /ご案内と申請書をまとめて印刷/ }).click();
  const link = page.getByTestId('batch-pdf');
  await expect(link).toBeVisible({ timeout: 30_000 });
  const b64 = await page.evaluate(async (u) => {
    const buf = new Uint8Array(await (await fetch(u)).arrayBuffer());
    let s = '';
    for (const x of buf) s += String.fromCharCode(x);
    return btoa(s);
  }, await link.getAttribute('href'));
  const dirOut = path.resolve('artifacts');
  mkdirSync(dirOut, { recursive: true });
  const pdf = path.join(dirOut, 'visit-offline.pdf');
  writeFileSync(pdf, Buffer.from(b64, 'base64'));
  expect(execFileSync('pdftotext', ['-layout', pdf, '-']).toString()).toContain('田中 一郎');

  // Saving while the relay is down: kept on the PC, said in plain Japanese, not as a success.
  await page.getByRole('button', { name: '記録を保存' }).click();
  const state = page.locator('.save-state');
  await expect(state).toContainText('この PC に保存しました');
  await expect(state).toHaveClass(/waiting/);
  await expect(state).not.toContainText('network');
  await expect(page.getByTestId('outbox')).toContainText('未送信の記録 1件');
  await snapshot(page, 'visit-offline-waiting');
  await page.locator('.desk.counter').screenshot({ path: 'artifacts/visit-offline-top.png', clip: { x: 0, y: 0, width: 1366, height: 260 } });
  // Sent again while down: still one record waiting, under the same key.
  await page.getByRole('button', { name: '記録を保存' }).click();
  await expect(page.getByTestId('outbox')).toContainText('未送信の記録 1件');

  relay = await startRelay(PORT, dir);
  // Back online: the outbox is sent (every 20 s, or at once on the browser's "online").
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await expect(state).toContainText('記録を保存しました', { timeout: 30_000 });
  await expect(page.getByTestId('outbox')).toHaveCount(0);
  const records = await page.evaluate(async () => (await fetch('/api/offices/kokurakita/guide-records')).json());
  const mine = records.filter((r) => r.printed_for === '田中 一郎');
  expect(mine.length).toBe(1);
  // Printed offline (the handout: this visit's forms are all "may apply", none preselected).
  expect(mine[0].printed_at_ms).toBeGreaterThan(mine[0].started_at_ms - 1);
  expect(mine[0].hand_fields).toBe(0);
  await crash(relay);
});

test('the counter for speed: 和暦 entry, every required procedure taken in one action, keyboard shortcuts', async ({ page }) => {
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1366, height: 900 });
  await login(page);
  await page.getByRole('button', { name: /身体障害者手帳/ }).click();
  // A date read off a document in era form.
  const era = page.getByLabel('ご本人の生年月日はいつですか（和暦）');
  await era.fill('S31.4.10');
  await era.press('Enter');
  await expect(page.getByLabel('ご本人の生年月日はいつですか', { exact: true })).toHaveValue('1956-04-10');
  await era.fill('昭和64年1月8日');
  await era.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: '昭和にない日です（平成元年1月8日）' })).toBeVisible();
  await answer(page, '身体障害者手帳の手続きはどこまで進んでいますか', '手帳を受け取った');
  await answer(page, '手帳の等級（総合等級）は何級ですか', '1');
  // One action marks every required procedure 本日受付.
  await page.getByRole('button', { name: '必要な手続きをまとめて本日受付' }).click();
  const required = page.locator('.group.required article.procedure');
  const n = await required.count();
  expect(n).toBeGreaterThan(0);
  await expect(page.locator('.group.required button.mark[aria-pressed="true"]')).toHaveCount(n);
  // The shortcuts are on the screen, and Alt+P goes to the print button.
  await expect(page.getByText('Alt+A まとめて本日受付')).toBeVisible();
  await page.keyboard.press('Alt+KeyP');
  await expect(page.locator('button.print-batch')).toBeFocused();
  // The action bar stays in view after scrolling down.
  await page.mouse.wheel(0, 3000);
  await expect(page.getByRole('button', { name: '次の方' })).toBeInViewport();
  await page.screenshot({ path: 'artifacts/counter-action-bar.png' });
  errors.assertNone();
});

/** A day `days` from today (negative: in the past) as the date input takes it. */
function dayFrom(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

test('typed once: the birth date of the 基本4情報 answers the guide, a future date is refused, the 生計維持者 is asked for the 子ども医療 form', async ({ page }) => {
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1366, height: 900 });
  await login(page);
  await page.getByRole('button', { name: /身体障害者手帳/ }).click();
  // Issue 20: the holder applying for themselves, their birth date typed (or read) once.
  await page.locator('#applicant-birth').fill('1956-04-10');
  await expect(page.getByLabel('ご本人の生年月日はいつですか', { exact: true })).toHaveValue('1956-04-10');
  // Issue 20 item 6: a birth date after today is refused with a reason, and the answer kept
  // as it was (the guide still reads 1956).
  const birth = page.getByLabel('ご本人の生年月日はいつですか', { exact: true });
  await birth.fill(dayFrom(3)); // after today in Japan too (the page counts days in JST)
  const refusal = page.getByRole('alert').filter({ hasText: '今日より後の日付は入れられません' });
  await expect(refusal).toBeVisible();
  await expect(page.locator('#q-birth_date .wareki')).toHaveText(/昭和31年4月10日/);
  await birth.fill('1956-04-11');
  await expect(refusal).toHaveCount(0);
  await expect(page.locator('#q-birth_date .wareki')).toHaveText(/昭和31年4月11日/);

  // Issue 26: a family moving in with a child prints the 子ども医療証 form, which names the
  // 生計維持者; the applicant is chosen once and nothing is left blank for them.
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: '用件を選び直す' }).click();
  await page.getByRole('button', { name: /引越し/ }).click();
  await answerShown(page, [
    ['引越しの日はいつですか（新しい住所に住み始めた日。国外からの方は帰国した日、転出の方は引っ越す予定の日）', dayFrom(-2)],
    ['どのような引越しですか', '市外から転入'],
    ['一緒に引っ越す方の中に、18歳以下のお子さんはいますか', 'はい'],
    ['いちばん年下のお子さんの生年月日はいつですか', '2019-05-05'],
    ['生活保護を受けていますか', 'いいえ'],
  ]);
  await expect(page.locator('label.form-choice:has(input:checked)').filter({ hasText: '子ども医療証交付申請書' })).toHaveCount(1);
  const supporter = page.locator('fieldset[data-role="supporter"]');
  await expect(supporter).toBeVisible();
  await expect(page.getByTestId('blank-list')).toContainText('生計維持者 氏名');
  await supporter.locator('.who label').filter({ hasText: '申請者ご本人' }).locator('input').check();
  await expect(page.getByTestId('blank-list')).not.toContainText('生計維持者 申請者との続柄');
  await page.locator('#applicant-name').fill('山田 花子');
  await page.locator('#applicant-address').fill('福岡県北九州市小倉北区大手町1番1号');
  await expect(page.getByTestId('blank-list')).not.toContainText('生計維持者');
  await supporter.screenshot({ path: 'artifacts/counter-supporter.png' });
  errors.assertNone();
});
