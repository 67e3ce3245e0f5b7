// Playwright against a freshly started relay (a new SQLite file per run) serving the built
// frontend. `cargo xtask test` builds both and sets MADO_RELAY_BIN and MADO_DIST_DIR.
import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchOptions } from './chromium.mjs';

const port = process.env.MADO_E2E_PORT || '18080';
const relay = process.env.MADO_RELAY_BIN || path.resolve('../target/relay/mado-relay');
const dist = process.env.MADO_DIST_DIR || path.resolve('../dist');
// Evaluated again in each worker; only the main process's directory is used by the server.
const data = mkdtempSync(path.join(tmpdir(), 'mado-e2e-'));

const ADMIN_PASSWORD = 'e2e-password-1'; // same as tests/fixtures/pages.mjs

export default defineConfig({
  testDir: './tests',
  // After the relay below has started: its demo office takes walk-in tickets at any hour.
  globalSetup: './global-setup.mjs',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    launchOptions,
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `"${relay}" --listen 127.0.0.1:${port} --data-dir "${data}" --dist-dir "${dist}" --admin-password ${ADMIN_PASSWORD}`,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
