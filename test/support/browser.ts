import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { availableOrSkipped } from './availability.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Whether Debian's Chromium is installed; when it is not, see `availableOrSkipped`. */
export function chromiumAvailable(): boolean {
  return availableOrSkipped(existsSync(CHROMIUM), 'Browser specs', `${CHROMIUM} is missing`, '.ci/run installs it: apt-get install -y chromium');
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}
