// The lobby queue, end to end, in three browser contexts: a ticket issued at the kiosk is
// called by staff and appears on the display with the counter name and the announcement.
import { test, expect } from '@playwright/test';
import { DisplayPage, KioskPage, QueuePage, snapshot, watchErrors } from './fixtures/pages.mjs';
import { crash, startRelay, tempDataDir } from './fixtures/relay.mjs';

test('a kiosk ticket is called by staff and shown on the lobby display', async ({ browser }) => {
  const kioskContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const displayContext = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const staffContext = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const kiosk = new KioskPage(await kioskContext.newPage());
  const display = new DisplayPage(await displayContext.newPage());
  const staff = new QueuePage(await staffContext.newPage());
  const errors = [kiosk.page, display.page, staff.page].map(watchErrors);

  await display.open();
  const waitingFukushi = display.waitingRow('高齢者・障害者相談');
  const before = Number((await waitingFukushi.locator('.count').textContent()).replace(/\D/g, ''));

  await kiosk.open();
  await snapshot(kiosk.page, 'kiosk-start');
  const number = await kiosk.take(/高齢者・障害者相談/);
  expect(number).toMatch(/^C-\d{3}$/);
  await expect(kiosk.page.getByTestId('ahead')).toHaveText(`${before}人`);
  await expect(kiosk.page.getByText('30秒後に最初の画面に戻ります').or(kiosk.page.getByText(/\d+秒後に最初の画面に戻ります/))).toBeVisible();
  await snapshot(kiosk.page, 'kiosk-ticket');

  // The display counts the new ticket live.
  await expect(waitingFukushi.locator('.count')).toHaveText(`${before + 1}人`);

  await staff.open();
  await expect(staff.page.getByRole('heading', { name: '職員ログイン' })).toBeVisible();
  await snapshot(staff.page, 'staff-login');
  await staff.login();
  await staff.chooseCounter('4番窓口');
  await expect(staff.page.getByTestId('line').filter({ hasText: '高齢者・障害者相談' })).toContainText(number);
  await staff.callNext();
  await expect(staff.serving()).toHaveText(number);
  await expect(staff.page.getByTestId('counter-row').filter({ hasText: '4番窓口' })).toContainText(number);
  await snapshot(staff.page, 'staff-queue');

  const call = display.calls().first();
  await expect(call).toContainText(number);
  await expect(call).toContainText('4番窓口');
  const spoken = number.replace(/^([A-Z]+)-0*(\d+)$/, '$1 $2');
  await expect(display.announcement()).toHaveText(
    `受付番号 ${spoken} 番の方、4番窓口へお越しください / Number ${spoken}, please come to Counter 4.`,
  );
  await expect(waitingFukushi.locator('.count')).toHaveText(`${before}人`);
  await snapshot(display.page, 'display-call');

  // Recall keeps it on top; done at the counter leaves the counter free for the next call.
  await staff.page.getByRole('button', { name: '再呼出' }).click();
  await staff.page.getByRole('button', { name: '完了' }).click();
  await expect(staff.page.getByText('対応中の方はいません。')).toBeVisible();

  for (const e of errors) e.assertNone();
  await Promise.all([kioskContext, displayContext, staffContext].map((c) => c.close()));
});

test('staff can mark a no-show and transfer a resident to another service', async ({ browser }) => {
  // A relay of its own, so tickets from other tests do not stand in line.
  const relay = await startRelay(18093, tempDataDir());
  try {
    await noShowAndTransfer(browser, relay.base);
  } finally {
    await crash(relay);
  }
});

async function noShowAndTransfer(browser, base) {
  const kioskPage = await (await browser.newContext()).newPage();
  const kiosk = new KioskPage(kioskPage, base);
  await kiosk.open();
  const first = await kiosk.take(/おくやみコーナー/);
  await kiosk.page.getByRole('button', { name: '最初の画面に戻る' }).click();
  const second = await kiosk.take(/おくやみコーナー/);

  const staff = new QueuePage(await (await browser.newContext()).newPage(), base);
  await staff.open();
  await staff.login();
  await staff.chooseCounter('6番窓口');
  await staff.callNext();
  await expect(staff.serving()).toHaveText(first);
  await staff.page.getByRole('button', { name: '不在' }).click();
  await expect(staff.page.getByText('対応中の方はいません。')).toBeVisible();

  await staff.callNext();
  await expect(staff.serving()).toHaveText(second);
  await staff.page.getByLabel('転送先').selectOption({ label: '国民健康保険・年金（国保年金課）' });
  await staff.page.getByRole('button', { name: '転送', exact: true }).click();
  await expect(staff.page.getByTestId('line').filter({ hasText: '国民健康保険・年金' })).toContainText(second);

  // Counter 3 (国保) calls the transferred resident by the same number.
  await staff.chooseCounter('3番窓口');
  await staff.callNext();
  await expect(staff.serving()).toHaveText(second);
}
