// Printing at the counter: a 重度身体障害者手帳 visit ends with one PDF holding the handout and
// every form the guide selected, filled with the applicant's data; checked with pdftotext.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ADMIN_PASSWORD, answerShown, snapshot, watchErrors } from './fixtures/pages.mjs';

test('a 重度身体障害者手帳 visit prints the handout and the selected forms in one PDF', async ({ page }) => {
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto('/counter?city=kitakyushu');
  await page.getByLabel('ログインID').fill('admin');
  await page.getByLabel('パスワード').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.getByRole('button', { name: /身体障害者手帳/ }).click();
  const script = [];
  for (const [q, v] of [
    ['身体障害者手帳の手続きはどこまで進んでいますか', '手帳を受け取った'],
    ['手帳を受け取った日（まだ届いていない方は申請した日）はいつですか', '2026-11-20'],
    ['ご本人の生年月日はいつですか', '1976-05-01'],
    ['手帳の等級（総合等級）は何級ですか', '1'],
    ['手帳に書かれている障害をすべて選んでください', ['心臓機能障害']],
    ['ご本人の健康保険はどれですか', '国民健康保険'],
    ['ご本人はいまどこで暮らしていますか', '自宅（入院が3か月以内の場合を含む）'],
    ['ご本人の前年の所得（控除を引いた額）はいくらですか', '2000000'],
    ['ご本人の扶養親族は何人ですか', '1'],
    ['ご本人の生計を主に支えているのはどなたですか', 'ご本人'],
    ['補装具（車椅子・補聴器・義肢・装具・つえなど）を作ったり、修理したりする予定はありますか', 'はい'],
  ]) {
    script.push([q, v]);
  }
  await answerShown(page, script);
  await page.getByLabel('氏名', { exact: true }).fill('山田 太郎');
  await page.getByLabel('ふりがな', { exact: true }).fill('やまだ たろう');
  await page.getByLabel('住所', { exact: true }).fill('福岡県北九州市小倉北区大手町1番1号');
  await page.getByLabel('生年月日', { exact: true }).fill('1976-05-01');
  await page.getByRole('radiogroup', { name: '性別' }).getByRole('radio', { name: '男' }).check();

  // The guide preselects the forms of the required procedures; staff add one more.
  const list = page.locator('.forms-panel');
  await expect(list.getByRole('checkbox', { name: /重度障害者医療証交付申請書/ })).toBeChecked();
  const teate = list.getByRole('checkbox', { name: /特別障害者手当認定請求書/ });
  await expect(teate).not.toBeChecked();
  await teate.check();
  const chosen = await list.locator('label.form-choice:has(input:checked) strong').allTextContents();
  expect(chosen.length).toBeGreaterThanOrEqual(2);
  await snapshot(page, 'forms-counter-choose');

  await page.getByRole('button', { name: /ご案内と申請書をまとめて印刷/ }).click();
  const link = page.getByTestId('batch-pdf');
  await expect(link).toBeVisible({ timeout: 30_000 });
  const b64 = await page.evaluate(async (u) => {
    const buf = new Uint8Array(await (await fetch(u)).arrayBuffer());
    let s = '';
    for (const x of buf) s += String.fromCharCode(x);
    return btoa(s);
  }, await link.getAttribute('href'));
  const dir = path.resolve('artifacts');
  mkdirSync(dir, { recursive: true });
  const pdf = path.join(dir, 'forms-batch.pdf');
  writeFileSync(pdf, Buffer.from(b64, 'base64'));

  const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
  expect(text).toContain('申請・手続きのご案内');
  expect(text).toContain('山田 太郎 様');
  expect(text).toContain('重度障害者医療証の交付申請');
  // Issue 17 item 4: the handout's foot has the office's contact from its settings and 「n/N」.
  const handoutPages = text.split('\f').filter((p) => p.includes('申請・手続きのご案内'));
  for (const [i, p] of handoutPages.entries()) {
    expect(p).toContain('北九州市小倉北区大手町1番1号');
    expect(p).toContain('受付 月〜金 8:30〜17:15');
    expect(p).toContain(`${i + 1}/${handoutPages.length}`);
  }
  for (const title of chosen) expect(text).toContain(title);
  // Every form carries the applicant's name and address.
  const pages = text.split('\f').filter((p) => p.trim());
  const formPages = pages.filter((p) => chosen.some((t) => p.includes(t)));
  expect(formPages.length).toBe(chosen.length);
  for (const p of formPages) {
    expect(p).toContain('山田 太郎');
    expect(p).toContain('福岡県北九州市小倉北区大手町1番1号');
  }
  const fonts = execFileSync('pdffonts', [pdf]).toString();
  expect(fonts).toMatch(/IPAexGothic\s+CID TrueType\s+Identity-H\s+yes yes yes/);
  execFileSync('pdftoppm', ['-png', '-r', '60', pdf, path.join(dir, 'forms-batch')]);

  // The record keeps which forms were printed.
  await page.getByRole('button', { name: '記録を保存' }).click();
  await expect(page.getByRole('status').filter({ hasText: '記録を保存しました' })).toBeVisible();
  const records = await page.evaluate(async () => (await fetch('/api/offices/kokurakita/guide-records')).json());
  expect(records[0].printed_forms).toEqual(expect.arrayContaining(['juudo-iryo-shinsei', 'tokubetsu-shougaisha-teate']));
  expect(records[0].printed_for).toBe('山田 太郎');
  expect(records[0].staff).toBe('admin');
  errors.assertNone();
});
