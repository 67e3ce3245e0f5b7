// Every surface loads, is accessible (axe-core: no serious or critical violation), and
// staff surfaces ask for a login first.
import { test, expect } from '@playwright/test';
import { QueuePage, assertAccessible, snapshot, watchErrors } from './fixtures/pages.mjs';


const built = [
  { path: '/', heading: 'Mado 書かない窓口' },
  { path: '/kiosk', heading: 'ご用件を選んでください' },
  { path: '/display', heading: 'お呼び出し中の番号' },
];

for (const { path, heading } of built) {
  test(`${path} loads without errors and passes axe`, async ({ page }) => {
    const errors = watchErrors(page);
    await page.goto(path);
    await expect(page.getByRole('heading', { name: heading })).toBeVisible();
    await assertAccessible(page, path);
    await snapshot(page, `surface${path === '/' ? '-home' : path.replace('/', '-')}`);
    errors.assertNone();
  });
}

test('/queue asks for a login, then shows the queue, both accessible', async ({ page }) => {
  const errors = watchErrors(page);
  const queue = new QueuePage(page);
  await queue.open();
  await expect(page.getByRole('heading', { name: '職員ログイン' })).toBeVisible();
  await assertAccessible(page, '/queue login');
  await queue.login('admin', 'wrong-password');
  await expect(page.getByRole('alert')).toHaveText('ログインIDまたはパスワードが違います。');
  await queue.login();
  await expect(page.getByRole('heading', { name: '窓口呼出' })).toBeVisible();
  await queue.chooseCounter('1番窓口');
  await assertAccessible(page, '/queue');
  await snapshot(page, 'surface-queue');
  // Logging out returns to the login form.
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await expect(page.getByRole('heading', { name: '職員ログイン' })).toBeVisible();
  // The only console error allowed is the browser's note of the refused password (HTTP 401).
  errors.assertNone([/status of 401/]);
});

test('/counter asks for a login, then offers the life events; the guide passes axe', async ({ page }) => {
  const errors = watchErrors(page);
  const staff = new QueuePage(page);
  await page.goto('/counter');
  await expect(page.getByRole('heading', { name: '職員ログイン' })).toBeVisible();
  await staff.login();
  await expect(page.getByRole('heading', { name: 'どのようなことがありましたか' })).toBeVisible();
  await assertAccessible(page, '/counter');
  await snapshot(page, 'surface-counter');
  await page.getByRole('button', { name: /引越し/ }).click();
  await expect(page.getByRole('heading', { name: '確認すること' })).toBeVisible();
  await assertAccessible(page, '/counter guide');
  errors.assertNone();
});

test('/apply offers the life events and its guide passes axe', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/apply');
  await expect(page.getByRole('heading', { name: 'どのようなことがありましたか' })).toBeVisible();
  await assertAccessible(page, '/apply');
  await snapshot(page, 'surface-apply');
  await page.getByRole('button', { name: /身体障害者手帳/ }).click();
  await expect(page.getByRole('heading', { name: '確認すること' })).toBeVisible();
  await assertAccessible(page, '/apply guide');
  errors.assertNone();
});

test('/office asks for a login, then shows the pre-applications inbox; it passes axe', async ({ page }) => {
  const errors = watchErrors(page);
  const staff = new QueuePage(page);
  await page.goto('/office');
  await expect(page.getByRole('heading', { name: '職員ログイン' })).toBeVisible();
  await staff.login();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('事前申請の受付一覧');
  await expect(page.getByRole('link', { name: 'CSVで書き出す' })).toBeVisible();
  await assertAccessible(page, '/office');
  errors.assertNone([/status of 401/]);
});

test('/admin asks for a login, then shows settings, staff and devices; each tab passes axe', async ({ page }) => {
  const errors = watchErrors(page);
  const staff = new QueuePage(page);
  await page.goto('/admin');
  await expect(page.getByRole('heading', { name: '職員ログイン' })).toBeVisible();
  await staff.login();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('管理');
  await expect(page.getByRole('heading', { name: '業務' })).toBeVisible();
  await assertAccessible(page, '/admin settings');
  await page.getByRole('button', { name: '職員アカウント' }).click();
  await expect(page.getByTestId('staff')).toContainText('admin');
  await assertAccessible(page, '/admin staff');
  await page.getByRole('button', { name: '端末' }).click();
  await expect(page.getByRole('heading', { name: '受付機・呼出表示の端末' })).toBeVisible();
  await assertAccessible(page, '/admin devices');
  errors.assertNone([/status of 401/]);
});
