import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium; `.ci/run` installs it when it is missing. Playwright never downloads a browser here. */
export const CHROMIUM = process.env.VIGIL_TEST_CHROMIUM ?? '/usr/bin/chromium';

// Headless on a machine without a display or a sandbox; nothing that calls out to the network.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches the system Chromium headless. Playwright gives each launch a fresh temporary profile
 * (its own `--user-data-dir`), removed when the browser closes.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}
