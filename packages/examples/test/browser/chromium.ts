// The browser the page tests run in: Debian's /usr/bin/chromium (or BACKPROP_CHROMIUM), driven by playwright-core.
// Where it is missing, each page test's describe is skipped, and its title and a warning say why.
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM = process.env.BACKPROP_CHROMIUM ?? "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);
const SKIP_REASON = `${CHROMIUM} is missing (.ci/run installs it: apt-get install -y chromium)`;
if (!hasChromium) console.warn(`browser test SKIPPED: ${SKIP_REASON}`);

/** A describe title, with why it is skipped where there is no Chromium. */
export function browserTitle(title: string): string {
  return hasChromium ? title : `${title} (SKIPPED: ${SKIP_REASON})`;
}

/** Headless Chromium, sandbox and GPU off (as root in a container). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
}
