import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests in Debian's Chromium (never a downloaded browser) against the built app served
 * by the real backend on the simulated fleet (scripts/serve-e2e.sh). Screenshots go to e2e-results/.
 */
export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  globalSetup: './packages/app/e2e-tests/globalSetup.ts',
  timeout: 60_000,
  expect: { timeout: 20_000 },
  // One backend and one fleet: tests that change state (sync, promote) must not interleave.
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'e2e-results/report' }],
  ],
  outputDir: 'e2e-results/test-output',
  webServer: {
    command: 'bash scripts/serve-e2e.sh',
    url: 'http://localhost:7007/api/gitops/health',
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
  use: {
    baseURL: process.env.PLAYWRIGHT_URL ?? 'http://localhost:7007',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
