// Screenshots of the main screens, driving the built UI (DemoBackend) in Debian's Chromium.
// Not part of `npm test`. Usage (from ui/, after `npm run build`):
//   npm install --no-save playwright-core@1     # not a project dependency; no browser download
//   (cd dist && python3 -m http.server 4817 --bind 127.0.0.1 &)
//   node scripts/screenshots.mjs screenshots
// It also walks the keyboard entry, the autumn-hour question, signing and sending, and prints
// each step, so it doubles as a smoke test of the demo path.
import { chromium } from 'playwright-core';
const out = process.argv[2] ?? '/tmp';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const errors = [];
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
page.on('pageerror', (e) => errors.push(String(e)));
const base = process.env.UI_URL ?? 'http://127.0.0.1:4817/';
await page.goto(base + '#/overview');
await page.waitForSelector('table.data');
await page.screenshot({ path: `${out}/overview.png` });
await page.goto(base + '#/register');
await page.waitForSelector('table.data');
await page.screenshot({ path: `${out}/register.png` });
await page.setViewportSize({ width: 1440, height: 1300 });
await page.goto(base + '#/month');
await page.waitForSelector('#cell-23-2');
await page.screenshot({ path: `${out}/month.png` });
await page.setViewportSize({ width: 1280, height: 800 });
const step = (s) => console.log('step:', s);

// Month: type into a cell, ambiguous dialog, undo.
await page.goto(base + '#/month');
await page.waitForSelector('#cell-24-0'); // row index 24 = 25 Oct, col 0 = Anna
step('type 2-6 on 25 Oct');
await page.focus('#cell-24-0');
await page.keyboard.type('2-6');
await page.keyboard.press('Enter');
await page.waitForSelector('dialog[open]');
await page.screenshot({ path: `${out}/month-ambiguous.png` });
await page.getByRole('button', { name: 'Andra gången (vintertid)' }).click();
await page.waitForFunction(() => document.getElementById('cell-24-0')?.textContent?.includes('02–06'));
step('cell now: ' + (await page.textContent('#cell-24-0')));
await page.focus('#cell-2-0');
await page.keyboard.type('8-');
await page.keyboard.press('Tab');
await page.waitForSelector('#entry-error');
step('error: ' + (await page.textContent('#entry-error')));
await page.keyboard.press('Escape');
await page.focus('#cell-24-0');
await page.keyboard.press('Control+z');
await page.waitForFunction(() => !document.getElementById('cell-24-0')?.textContent?.includes('02–06'));
step('undo ok: ' + JSON.stringify(await page.textContent('#cell-24-0')));
await page.focus('#cell-1-0');
await page.keyboard.type('22-07');
await page.keyboard.press('Tab');
await page.waitForFunction(() => document.getElementById('cell-1-0')?.textContent?.includes('22–07'));
step('tab moved focus to (want cell-1-1): ' + (await page.evaluate(() => document.activeElement?.id)));

// Import
await page.goto(base + '#/import');
await page.getByRole('button', { name: 'Välj fil …' }).click();
await page.waitForSelector('table.data');
await page.screenshot({ path: `${out}/import.png`, fullPage: false });

// Sign as assistant with the simulated app
await page.goto(base + '#/sign');
await page.getByRole('button', { name: 'Signera som assistent' }).first().click();
await page.waitForSelector('dialog[open] .qr svg');
await page.waitForTimeout(1200);
await page.screenshot({ path: `${out}/sign-bankid.png` });
await page.getByRole('button', { name: /Godkänn som/ }).click();
await page.waitForSelector('dialog[open] .message.complete');
step('signed: ' + (await page.textContent('dialog[open] .message')));
await page.getByRole('button', { name: 'Stäng' }).click();

// Provider batch, then submit
await page.getByRole('button', { name: /Signera som anordnare: alla/ }).click();
await page.waitForSelector('dialog[open] .qr svg');
await page.getByRole('button', { name: /Godkänn som/ }).click();
await page.waitForSelector('dialog[open] .message.complete');
await page.getByRole('button', { name: 'Stäng' }).click();
await page.goto(base + '#/submit');
await page.getByRole('button', { name: /Skicka \d+ rapporter/ }).click();
await page.waitForTimeout(2500);
await page.waitForFunction(() => !document.body.textContent?.includes('I kö') && !document.body.textContent?.includes('Skickas …'), null, { timeout: 20000 });
step('queue done: ' + (await page.textContent('.progress span')));
await page.screenshot({ path: `${out}/submit.png`, fullPage: false });

// History with a raw answer
await page.goto(base + '#/history');
await page.getByRole('button', { name: 'Visa svaret från FK' }).first().click();
await page.screenshot({ path: `${out}/history.png`, fullPage: false });

// English overview
await page.goto(base + '#/settings');
await page.waitForSelector('fieldset');
await page.screenshot({ path: `${out}/settings.png` });
await page.goto(base + '#/overview');
await page.getByRole('button', { name: 'Byt språk till engelska' }).click();
await page.screenshot({ path: `${out}/overview-en.png` });

console.log('console errors:', JSON.stringify(errors));
await browser.close();
