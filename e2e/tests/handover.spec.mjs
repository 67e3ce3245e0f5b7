// Issue 19 item 6 (「回さない」窓口): a ticket is called at the counter and the visit is linked
// to it; staff send the resident on to another service with the visit; the next counter sees
// who is coming and why before calling, calls the number and finds everything already known;
// each counter keeps its own record of its part, both with the ticket and their minutes.
import { test, expect } from '@playwright/test';
import { ADMIN_PASSWORD, watchErrors } from './fixtures/pages.mjs';

async function counterAt(browser, counter) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto('/counter?city=kitakyushu');
  await page.getByLabel('ログインID').fill('admin');
  await page.getByLabel('パスワード').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.locator('#counter-select').selectOption(String(counter));
  return page;
}

test('a visit sent on with its ticket is opened by the next counter with everything known', async ({ browser, request }) => {
  // A walk-in ticket for 住民異動 (counters 1 and 2 call it).
  const issued = await request.post('/api/offices/kokurakita/tickets', { data: { service_id: 'jumin' } });
  expect(issued.ok()).toBeTruthy();
  const number = (await issued.json()).ticket.number;
  const text = `${number.prefix}-${String(number.seq).padStart(3, '0')}`;

  const first = await counterAt(browser, 1);
  const errors = watchErrors(first);
  await first.getByTestId('call-next').click();
  await expect(first.getByTestId('serving')).toHaveText(text);
  await first.getByRole('button', { name: /引越し/ }).click();
  await first.getByRole('group', { name: 'どのような引越しですか' }).getByRole('radio', { name: '市外から転入' }).check();
  await first.locator('#applicant-name').fill('佐藤 健');
  await first.locator('#applicant-kana').fill('さとう けん');
  await first.getByRole('button', { name: '本日受付', exact: true }).first().click();

  // Sent on to 国保 (counter 3).
  await first.locator('#send-to').selectOption('kokuho');
  first.once('dialog', (d) => d.accept());
  await first.getByRole('button', { name: 'この方を回す' }).click();
  await expect(first.getByTestId('call-next')).toBeVisible();
  await expect(first.locator('#applicant-name')).toHaveCount(0);

  const second = await counterAt(browser, 3);
  // Before calling: who is coming, from where and why (no personal data in that list).
  const coming = second.getByTestId('coming');
  await expect(coming).toContainText(text);
  await expect(coming).toContainText('1番窓口から');
  await expect(coming).toContainText('引越し');
  await expect(coming).not.toContainText('佐藤');
  await second.getByTestId('call-next').click();
  await expect(second.getByTestId('serving')).toHaveText(text);
  await expect(second.getByTestId('handed')).toContainText('1番窓口から');
  await expect(second.locator('#applicant-name')).toHaveValue('佐藤 健');
  await expect(second.getByRole('group', { name: 'どのような引越しですか' }).getByRole('radio', { name: '市外から転入' })).toBeChecked();
  second.once('dialog', (d) => d.accept());
  await second.getByRole('button', { name: '次の方' }).click();
  await expect(second.getByTestId('call-next')).toBeVisible();

  // Both counters' parts are recorded with the ticket; the ticket is done.
  const cookie = (await second.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const ticketId = (await issued.json()).ticket.id;
  // Each counter's record goes through its outbox: poll until both have arrived.
  const partsNow = async () => (await (await request.get('/api/offices/kokurakita/guide-records', { headers: { cookie } })).json())
    .filter((r) => r.ticket_id === ticketId);
  await expect.poll(async () => (await partsNow()).length, { timeout: 10_000 }).toBe(2);
  const parts = await partsNow();
  for (const p of parts) expect(p.done_at_ms).toBeGreaterThanOrEqual(p.started_at_ms);
  // The ticket ended as done, in 国保's line where it was sent (it kept its number).
  const queue = await (await request.get('/api/offices/kokurakita/queue', { headers: { cookie } })).json();
  const t = queue.tickets.find((x) => x.id === ticketId);
  expect(t === undefined || (t.status === 'done' && t.service_id === 'kokuho')).toBeTruthy();
  // The visit handed over is not kept once the ticket is done.
  const gone = await request.get(`/api/tickets/${ticketId}/handover`, { headers: { cookie } });
  expect(gone.status()).toBe(404);
  errors.assertNone();
});

test('the office lists counter records by day and counter, opens one, and exports CSV', async ({ page }) => {
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto('/office');
  await page.getByLabel('ログインID').fill('admin');
  await page.getByLabel('パスワード').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.getByRole('button', { name: '窓口の記録' }).click();
  const days = page.getByTestId('records-days');
  await expect(days).toBeVisible();
  // The visits of the test before (both counters' parts), today.
  const visits = Number(await days.locator('tbody tr').first().locator('td').nth(1).textContent());
  expect(visits).toBeGreaterThanOrEqual(2);
  const list = page.getByTestId('records-list');
  await expect(list).toContainText('1番窓口');
  await expect(list).toContainText('3番窓口');
  // One counter's records only.
  await page.locator('#records-counter').selectOption({ label: '3番窓口' });
  await expect(list).not.toContainText('1番窓口');
  await list.getByRole('button', { name: '詳しく見る' }).first().click();
  await expect(page.getByTestId('record-detail')).toContainText('3番窓口');
  const href = await page.getByRole('link', { name: 'CSVで書き出す' }).getAttribute('href');
  const csv = await page.evaluate(async (u) => (await fetch(u)).text(), href);
  expect(csv).toContain('記録番号,日付,時刻,窓口,用件');
  expect(csv).toContain('3番窓口');
  await page.locator('.records').screenshot({ path: 'artifacts/office-records.png' });
  errors.assertNone();
});
