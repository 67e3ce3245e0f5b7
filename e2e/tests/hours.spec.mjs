// Issue 17 item 6: the kiosk issues walk-in tickets only while the service takes them — the
// office's hours from its settings, each service's cut-off (受付は16:45まで), closed days —
// and says so in plain words with the next opening; the relay answers 409 `closed`.
// Each test runs a relay of its own whose clock is set (`--clock`), and the browser's clock to
// the same instant, so the hours are tested at the hours they are about, whatever the real time.
import { test, expect } from '@playwright/test';
import { ADMIN_PASSWORD, snapshot, watchErrors } from './fixtures/pages.mjs';
import { startRelay, tempDataDir } from './fixtures/relay.mjs';
import { changeSettings } from '../hours.mjs';

let relay;
test.afterEach(async () => {
  relay?.child.kill('SIGKILL');
  relay = undefined;
});

async function kioskAt(browser, base, now) {
  const context = await browser.newContext({ baseURL: base, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  const page = await context.newPage();
  await page.clock.setSystemTime(new Date(now));
  await page.setViewportSize({ width: 1080, height: 1920 });
  return page;
}

async function ticket(base, service) {
  const r = await fetch(`${base}/api/offices/kokurakita/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ service_id: service }),
  });
  return { status: r.status, body: await r.json() };
}

test('at 3 a.m. on a Saturday the kiosk issues nothing and says when it opens', async ({ browser }) => {
  const now = '2027-03-06T03:00:00+09:00'; // a Saturday
  relay = await startRelay(18096, tempDataDir(), ['--clock', now]);
  const page = await kioskAt(browser, relay.base, now);
  const errors = watchErrors(page);
  await page.goto('/kiosk');
  const notice = page.getByTestId('kiosk-closed');
  await expect(notice).toContainText('本日は土曜日のため閉庁しています。');
  await expect(notice).toContainText('次の受付は 3月8日（月） 8:30 からです。');
  // Every service button is there but cannot be pressed, and the hours are shown.
  const services = page.locator('button.service');
  await expect(services).toHaveCount(5);
  for (const b of await services.all()) await expect(b).toBeDisabled();
  await expect(page.getByTestId('kiosk-hours')).toHaveText('受付時間：月〜金 8:30〜17:15（土・日・祝日・年末年始は休み）');
  // Bookings are still checked in at their own screen.
  await expect(page.getByRole('link', { name: '予約の方はこちら' })).toBeVisible();
  await snapshot(page, 'kiosk-closed-night');

  // The relay refuses, whatever the kiosk shows.
  const refused = await ticket(relay.base, 'jumin');
  expect(refused.status).toBe(409);
  expect(refused.body.error.code).toBe('closed');
  expect(refused.body.error.walk_in).toEqual({
    state: 'closed',
    why: { kind: 'closed_day', name: '土曜日' },
    next: { day: '2027-03-08', at: 510 },
  });
  const board = await (await fetch(`${relay.base}/api/offices/kokurakita/board`)).json();
  expect(board.last_event_id).toBe(0);
  errors.assertNone();
});

test('after a service’s cut-off only that service stops, and a tap that meets the cut-off says so', async ({ browser }) => {
  const now = '2027-03-01T16:50:00+09:00'; // a Monday; the office closes at 17:15
  relay = await startRelay(18097, tempDataDir(), ['--clock', now]);
  // 住民異動 takes walk-ins until 30 minutes before the closing (16:45).
  await changeSettings(relay.base, ADMIN_PASSWORD, (s) => {
    s.services[0].walk_in_cutoff_minutes = 30;
  });
  const page = await kioskAt(browser, relay.base, now);
  const errors = watchErrors(page);
  await page.goto('/kiosk');
  const jumin = page.getByRole('button', { name: /住民異動/ });
  await expect(jumin).toBeDisabled();
  await expect(jumin).toContainText('本日の受付は終了（16:45まで）');
  await expect(page.getByTestId('kiosk-closed')).toHaveCount(0);
  const kokuho = page.getByRole('button', { name: /国民健康保険/ });
  await expect(kokuho).toBeEnabled();
  await snapshot(page, 'kiosk-one-service-ended');
  const refused = await ticket(relay.base, 'jumin');
  expect(refused.status).toBe(409);
  expect(refused.body.error.walk_in.why).toEqual({ kind: 'ended', at: 1005 });
  expect(refused.body.error.walk_in.next).toEqual({ day: '2027-03-02', at: 510 });

  // 国保 gets a cut-off while the kiosk still shows it open: the tap is refused in words,
  // with the next opening, and the button then shows the service closed.
  await changeSettings(relay.base, ADMIN_PASSWORD, (s) => {
    s.services[1].walk_in_cutoff_minutes = 60;
  });
  await kokuho.click();
  const said = page.getByTestId('kiosk-refused-closed');
  await expect(said).toContainText('本日の番号札の発行は終了しました（16:15まで）。');
  await expect(said).toContainText('次の受付は 3月2日（火） 8:30 からです。');
  await snapshot(page, 'kiosk-refused-after-cut-off');
  await said.getByRole('button', { name: '最初の画面に戻る' }).click();
  await expect(kokuho).toBeDisabled();
  await expect(kokuho).toContainText('本日の受付は終了（16:15まで）');
  // A service without a cut-off still issues tickets until the closing.
  await page.getByRole('button', { name: /子ども・家庭相談/ }).click();
  await expect(page.getByTestId('ticket-number')).toHaveText('D-001');
  errors.assertNone([/409/]);
});
