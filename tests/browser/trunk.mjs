// The dashboard's trunk-down banner (issue 8 §1, alert "a trunk goes down"),
// against a real SIP trunk (run_trunk.sh): the daemon probes the carrier
// simulator with OPTIONS; when the carrier is killed the dialer publishes
// trunk.state {up: false}, the hub derives a critical alert and the open
// dashboard shows the banner without a reload; when the carrier runs again on
// the same port the banner clears and an "up again" alert is listed.
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { browser, check, login } from './lib.mjs';

const URL = process.env.CLEARLINE_URL, ART = process.env.ARTIFACTS;
const [carrierBin, ...carrierArgs] = JSON.parse(process.env.CARRIER_CMD);
let carrier = null;

const { ctx, close } = await browser();
try {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, URL, 'manager', 'manager-password');
  await page.waitForSelector('#dash-campaign');
  await page.waitForSelector('#dash-conn.up');
  check(await page.$eval('#trunk-banner', (b) => b.hidden), 'no trunk banner while the carrier answers');
  check((await page.$$('#alerts li[data-kind="trunk"]')).length === 0, 'no trunk alert yet');

  // The carrier dies.
  process.kill(Number(process.env.CARRIER_PID), 'SIGKILL');
  await page.waitForSelector('#trunk-banner:not([hidden])', { timeout: 30000 });
  const banner = await page.textContent('#trunk-banner');
  check(/trunk is down/i.test(banner) && banner.includes('calls cannot be placed'), `the banner says the trunk is down (${banner})`);
  const down = await page.textContent('#alerts li[data-kind="trunk"]');
  check(down.includes('critical') && /down/.test(down), `a critical trunk alert is listed (${down})`);
  await page.screenshot({ path: `${ART}/80-dashboard-trunk-down.png` });

  // The carrier runs again on the same port.
  carrier = spawn(carrierBin, carrierArgs, { stdio: ['ignore', openSync(process.env.CARRIER_LOG, 'a'), openSync(process.env.CARRIER_LOG, 'a')] });
  await page.waitForSelector('#trunk-banner', { state: 'hidden', timeout: 30000 });
  check(await page.$eval('#trunk-banner', (b) => b.hidden), 'the banner clears when the trunk answers again');
  const all = await page.$$eval('#alerts li[data-kind="trunk"]', (l) => l.map((x) => x.textContent));
  check(all.length === 2 && all[0].includes('info') && /up again/.test(all[0]), `an "up again" alert follows the critical one (${all.join(' | ')})`);
  await page.screenshot({ path: `${ART}/81-dashboard-trunk-up-again.png` });
  check(errors.length === 0, `no page errors (${errors.join('; ')})`);
} finally {
  if (carrier) carrier.kill('SIGTERM');
  await close();
}
console.log('PASS');
