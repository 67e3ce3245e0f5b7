// Issue 19 acceptance: six scripted visits (3 life events × 2 cities) print their batch in
// Chromium with nothing left for the resident's hand but what the templates mark as written by
// hand (署名, 個人番号, the office's boxes): Mado's own count before printing is 0, and
// pdftotext finds what was typed once on the printed forms.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ADMIN_PASSWORD, watchErrors } from './fixtures/pages.mjs';
import { VISITS, runVisit } from '../visits.mjs';

for (const visit of VISITS) {
  test(`${visit.name}（${visit.city}）: the batch leaves nothing for the hand but what is marked`, async ({ page }) => {
    const errors = watchErrors(page);
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(`/counter?city=${visit.city}`);
    await page.getByLabel('ログインID').fill('admin');
    await page.getByLabel('パスワード').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'ログイン' }).click();
    const r = await runVisit(page, visit);
    expect(r.missingList, 'fields left for the hand').toEqual([]);
    expect(r.missing).toBe(0);
    expect(r.forms.length).toBeGreaterThan(0);
    const dir = path.resolve('artifacts');
    mkdirSync(dir, { recursive: true });
    const pdf = path.join(dir, `visit-${visit.id}.pdf`);
    writeFileSync(pdf, r.pdf);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
    for (const title of r.forms) expect(text).toContain(title);
    for (const want of visit.expect) expect(text).toContain(want);
    // 個人番号 is never printed: the boxes stay empty (Mado never reads the number).
    expect(text).not.toMatch(/\d{12}/);
    execFileSync('pdftoppm', ['-png', '-r', '50', pdf, path.join(dir, `visit-${visit.id}`)]);
    console.log(`${visit.id}: ${r.actions} staff actions, ${r.missing} fields left for the hand, forms: ${r.forms.join('、')}`);
    errors.assertNone();
  });
}
