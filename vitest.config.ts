import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // expect.poll waits for something to become true (a page to load, a job to run). Vitest's
    // 1 s default fails a passing test on a loaded machine; a slow machine must not fail a test.
    expect: { poll: { timeout: 20_000 } },
  },
});
