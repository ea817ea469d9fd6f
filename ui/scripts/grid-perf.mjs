// Rough browser timing of the month grid. The DemoBackend now replays the real Rust demo's recorded
// month and no longer pads it (?demo-assistants=40 is ignored): until a 40-assistant recording
// exists this times the recorded month. A measurement, not a test: no thresholds. Usage as for
// screenshots.mjs (playwright-core installed with --no-save, dist served on 127.0.0.1:4817).
import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await page.goto((process.env.UI_URL ?? 'http://127.0.0.1:4817/') + '?demo-assistants=40#/overview');
await page.waitForSelector('table.data');
const results = [];
for (let i = 0; i < 5; i++) {
  const ms = await page.evaluate(() => new Promise((resolve) => {
    location.hash = '#/overview';
    setTimeout(() => {
      const t0 = performance.now();
      location.hash = '#/month';
      const poll = () => document.getElementById('cell-30-39') ? requestAnimationFrame(() => resolve(performance.now() - t0)) : requestAnimationFrame(poll);
      poll();
    }, 200);
  }));
  results.push(Math.round(ms));
}
console.log('overview→month grid (40×31, 3 shifts/cell) painted, ms:', results.join(', '));
// Typing: commit one cell and wait for the re-rendered text.
const edits = [];
for (let i = 0; i < 5; i++) {
  await page.focus(`#cell-${i}-10`);
  const t0 = await page.evaluate(() => performance.now());
  await page.keyboard.type('7-9');
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.getElementById(id)?.textContent?.startsWith('07–09'), `cell-${i}-10`);
  edits.push(Math.round((await page.evaluate(() => performance.now())) - t0));
}
console.log('type "7-9"+Enter → cell re-rendered, ms (includes playwright typing):', edits.join(', '));

await browser.close();
