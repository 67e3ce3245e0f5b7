// The lobby display on its own: losing the relay, catching up, running for a long time.
import { test, expect } from '@playwright/test';
import { DisplayPage, snapshot, staffApi, watchErrors } from './fixtures/pages.mjs';
import { crash, startRelay, tempDataDir } from './fixtures/relay.mjs';

test('a display that loses the relay says so and catches up on the calls it missed', async ({ page }) => {
  const data = tempDataDir();
  let relay = await startRelay(18091, data);
  try {
    const display = new DisplayPage(page, relay.base);
    await display.open();
    const api = await staffApi(relay.base);
    const first = await api.issue('jumin');
    await api.callNext(1);
    await expect(display.calls().first()).toContainText('1番窓口');

    await crash(relay);
    await expect(display.reconnecting()).toBeVisible();
    await snapshot(page, 'display-reconnecting');

    // While the display is cut off, the same database serves calls on another address.
    const elsewhere = await startRelay(18092, data);
    const api2 = await staffApi(elsewhere.base);
    const missed = await api2.issue('kokuho');
    await api2.callNext(3);
    await crash(elsewhere);

    relay = await startRelay(18091, data);
    const n = missed.body.ticket.number;
    const shown = `${n.prefix}-${String(n.seq).padStart(3, '0')}`;
    await expect(display.calls().first()).toContainText(shown, { timeout: 20_000 });
    await expect(display.calls().first()).toContainText('3番窓口');
    await expect(display.reconnecting()).toBeHidden();
    // Said in Japanese, then in English (issue 22).
    await expect(display.announcement()).toHaveText(
      `受付番号 ${n.prefix} ${n.seq} 番の方、3番窓口へお越しください / Number ${n.prefix} ${n.seq}, please come to Counter 3.`,
    );
    // The earlier call is still listed below.
    const f = first.body.ticket.number;
    await expect(display.calls().nth(1)).toContainText(`${f.prefix}-${String(f.seq).padStart(3, '0')}`);
  } finally {
    await crash(relay).catch(() => {});
  }
});

test('a display stays bounded through hundreds of calls', async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  const display = new DisplayPage(page);
  await display.open();
  const api = await staffApi(baseURL);
  const heap = async () => {
    await page.evaluate(() => globalThis.gc && globalThis.gc());
    return page.evaluate(() => ({ heap: performance.memory.usedJSHeapSize, nodes: document.getElementsByTagName('*').length }));
  };
  const round = async (n) => {
    for (let i = 0; i < n; i++) {
      await api.issue('jumin');
      await api.callNext(1 + (i % 2));
    }
    await expect(display.calls()).toHaveCount(await display.calls().count());
  };
  await round(60);
  await expect(display.calls().first()).toContainText(/番窓口/);
  await page.waitForTimeout(500); // let the last events render before measuring
  const warm = await heap();
  await round(240);
  await page.waitForTimeout(500);
  const after = await heap();
  expect(await display.calls().count()).toBeLessThanOrEqual(8);
  expect(after.nodes, 'DOM nodes').toBeLessThanOrEqual(warm.nodes + 5);
  // 240 more calls may not grow the JS heap by more than 1 MB.
  expect(after.heap - warm.heap, `heap ${warm.heap} → ${after.heap}`).toBeLessThan(1_000_000);
  await snapshot(page, 'display-after-300-calls');
  errors.assertNone();
});

test('a display that cannot reach the relay at start keeps trying and comes up by itself', async ({ page }) => {
  let refused = 0;
  await page.route('**/api/offices', (route) => (refused++ < 1 ? route.abort('connectionrefused') : route.continue()));
  await page.goto('/display');
  await expect(page.getByRole('alert')).toHaveText('サーバーに接続できません。数秒ごとに自動で再接続します。');
  await snapshot(page, 'display-retrying');
  await expect(page.getByRole('heading', { name: 'お呼び出し中の番号' })).toBeVisible({ timeout: 15_000 });
  expect(refused).toBe(2);
});

test('a kiosk or display whose address names no office says so, not that the relay is down', async ({ page }) => {
  const errors = watchErrors(page);
  for (const surface of ['/kiosk', '/display']) {
    await page.goto(`${surface}?office=kokurakta`);
    await expect(page.getByRole('alert')).toHaveText(
      '庁舎「kokurakta」は登録されていません。画面のアドレス（?office=）を確認してください。数秒ごとに確認し直します。',
    );
  }
  await snapshot(page, 'display-unknown-office');
  // The relay's 404 answers are the only errors.
  errors.assertNone([/status of 404/]);
});

test('issue 17: the display reads from 5 m at 1920×1080 and 1280×720', async ({ page }) => {
  const errors = watchErrors(page);
  const relay = await startRelay(18094, tempDataDir());
  try {
    const api = await staffApi(relay.base);
    // A call at every counter of the demo office (a counter's next call ends its last one).
    for (const [service, counter] of [['jumin', 1], ['jumin', 2], ['kokuho', 3], ['fukushi', 4], ['kodomo', 5], ['okuyami', 6]]) {
      await api.issue(service);
      await api.callNext(counter);
    }
    await api.issue('jumin');
    await api.issue('fukushi');
    const display = new DisplayPage(page, relay.base);
    for (const [width, height] of [[1920, 1080], [1280, 720]]) {
      await page.setViewportSize({ width, height });
      await display.open();
      // The latest call and the others being called.
      await expect(display.calls()).toHaveCount(6);
      const latest = page.locator('.call.latest');
      await expect(latest).toHaveCount(1);
      const size = async (sel) => parseFloat(await page.locator(sel).first().evaluate((e) => getComputedStyle(e).fontSize));
      // At 1080 lines the latest number and counter are over 150 px; every call is over 100.
      const scale = height / 1080;
      expect(await size('.call.latest .number')).toBeGreaterThanOrEqual(150 * scale);
      expect(await size('.call.latest .counter')).toBeGreaterThanOrEqual(150 * scale);
      expect(await size('.call:not(.latest) .number')).toBeGreaterThanOrEqual(100 * scale);
      expect(await size('.waiting-list .count')).toBeGreaterThanOrEqual(55 * scale);
      // Nothing is cut off or scrolls, and the screen is used down to its foot.
      const box = await page.evaluate(() => {
        const d = document.documentElement;
        const strip = document.querySelector('.waiting-list').getBoundingClientRect();
        const calls = [...document.querySelectorAll('.call')].map((c) => [c.scrollWidth <= c.clientWidth + 1, c.getBoundingClientRect().bottom]);
        return { scrolls: d.scrollHeight > d.clientHeight + 1, stripBottom: strip.bottom, calls };
      });
      expect(box.scrolls).toBe(false);
      expect(box.calls.every(([fits]) => fits)).toBe(true);
      expect(box.stripBottom).toBeGreaterThan(height * 0.7);
      expect(box.stripBottom).toBeLessThanOrEqual(height);
      await snapshot(page, `display-${width}x${height}`);
    }
    errors.assertNone();
  } finally {
    await crash(relay).catch(() => {});
  }
});
