// Runs before `npm test`: the end-to-end tests drive Debian's Chromium with playwright-core
// (no browser download). If it is missing and we may use apt, install it; else explain.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const chromium = process.env.RADSTUDY_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = existsSync('/usr/bin/apt-get');
  if (root && apt) {
    console.log('Installing Debian chromium for the end-to-end tests (apt-get install chromium)…');
    execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
  } else {
    console.error(
      `The end-to-end tests need Chromium at ${chromium}. Install it (Debian/Ubuntu: sudo apt-get install chromium) or set RADSTUDY_CHROMIUM to its path.`,
    );
    process.exit(1);
  }
}
