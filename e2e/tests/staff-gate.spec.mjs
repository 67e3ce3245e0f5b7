// Issue 18: the staff surfaces share one gate. Logged out, it shows the login form; when the
// relay cannot be reached it says so and offers to try again, instead of a login form that
// could only fail.
import { test, expect } from '@playwright/test';
import { snapshot } from './fixtures/pages.mjs';

for (const path of ['/counter', '/queue', '/office', '/admin']) {
  test(`${path}: a relay out of reach is not a logged-out staff member`, async ({ page }) => {
    await page.route('**/api/auth/session', (route) => route.abort('connectionrefused'));
    await page.goto(path);
    const problem = page.getByTestId('staff-gate-problem');
    await expect(problem).toContainText('サーバーに接続できません。しばらくしてからもう一度お試しください。');
    await expect(page.getByLabel('パスワード')).toHaveCount(0);
    if (path === '/counter') await snapshot(page, 'staff-gate-unreachable');
    // The relay is back: trying again shows the login form.
    await page.unroute('**/api/auth/session');
    await problem.getByRole('button', { name: '再試行' }).click();
    await expect(page.getByLabel('パスワード')).toBeVisible();
  });
}
