// Pacing over the day in the browser (issue 8 §3): three hours of seeded call
// rows (seed_pacing.sh) → a manager opens the report from the dashboard, sees
// one row per 15-minute bucket with the figures recomputed here from the
// seeding rule (callers logged in from the seeded caller sessions), three uPlot charts actually drawn, a coarser bucket, a day
// filter, and a CSV download that holds the same numbers. The report opens on
// the latest day with calls; a range over two days dates its rows. The
// dashboard before it lists the calls newest first.
import { execFileSync } from 'node:child_process';
import { browser, check, login } from './lib.mjs';

const URL = process.env.CLEARLINE_URL, ART = process.env.ARTIFACTS, CID = process.env.CLEARLINE_CAMPAIGN, DB = process.env.CLEARLINE_DB;
const sql = (q) => execFileSync('sqlite3', [DB, q]).toString().trim();
const T0 = Date.parse('2026-11-28T09:00:00Z');
// seed_pacing.sh's caller sessions: caller-0..3 09:00-12:00, caller-4 10:00-11:00.
const SESSIONS = [0, 1, 2, 3].map(() => [T0, T0 + 3 * 3600000]).concat([[T0 + 3600000, T0 + 2 * 3600000]]);

// The seeding rule (seed_pacing.sh), bucketed like the server.
function expected(bucketMin) {
  const B = bucketMin * 60000;
  const calls = [];
  for (let k = 0; k < 180; k++) {
    const d = T0 + k * 60000, ans = k % 3 !== 0, mach = ans && k % 5 === 0, human = ans && !mach;
    const br = human && k % 7 !== 1, ab = human && k % 7 === 1;
    calls.push({ d, end: d + (br ? 90000 : 40000), ans, mach, human, br, ab, caller: br ? `caller-${k % 4}` : '' });
  }
  const first = Math.floor(calls[0].d / B), last = Math.floor(calls[calls.length - 1].d / B);
  const out = [];
  for (let i = first; i <= last; i++) {
    const lo = i * B, hi = lo + B, mine = calls.filter((c) => c.d >= lo && c.d < hi);
    const count = (f) => mine.filter(f).length;
    const live = count((c) => c.human), ab = count((c) => c.ab);
    const lineMs = calls.reduce((s, c) => s + Math.max(0, Math.min(c.end, hi, (last + 1) * B) - Math.max(c.d, lo)), 0);
    const callers = new Set(mine.filter((c) => c.caller).map((c) => c.caller)).size;
    const lines = lineMs / B;
    const top = (last + 1) * B;
    const loggedMs = SESSIONS.reduce((s, [a, z]) => s + Math.max(0, Math.min(z, hi, top) - Math.max(a, lo)), 0);
    const loggedIn = loggedMs / B;
    out.push({
      time: `${new Date(lo).toISOString().slice(11, 16)}–${new Date(hi).toISOString().slice(11, 16)}`,
      placed: mine.length, answered: count((c) => c.ans), bridged: count((c) => c.br), abandoned: ab, machine: count((c) => c.mach),
      rate: live ? (Math.round((100 * ab / live) * 100) / 100).toFixed(2) : "—",
      answer: mine.length ? (Math.round((100 * count((c) => c.ans) / mine.length) * 100) / 100).toFixed(1) : "—",
      lines: (Math.round(lines * 1000) / 1000).toFixed(2), callers,
      perCaller: callers ? (Math.round((lines / callers) * 1000) / 1000).toFixed(2) : '—',
      loggedIn: (Math.round(loggedIn * 1000) / 1000).toFixed(2),
      perLoggedIn: loggedMs > 0 ? (Math.round((lines / loggedIn) * 1000) / 1000).toFixed(2) : '—',
    });
  }
  return out;
}

function want15First() { return String(expected(15)[0].placed); }

async function tableRows(page) {
  return page.$$eval('#pacing-rows tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
}

function sameRows(got, want, what) {
  check(got.length === want.length, `${what}: ${want.length} buckets (${got.length})`);
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    const row = [w.time, w.placed, w.answered, w.bridged, w.abandoned, w.machine, w.rate, w.answer, w.lines, w.callers, w.perCaller,
      w.loggedIn, w.perLoggedIn].map(String);
    if (JSON.stringify(got[i]) !== JSON.stringify(row)) throw new Error(`FAIL: ${what}, bucket ${i}: got ${JSON.stringify(got[i])}, want ${JSON.stringify(row)}`);
  }
  console.log(`ok - ${what}: every figure of every bucket matches the seeded calls`);
}

// Pixels of a series colour on a uPlot canvas (the chart is really drawn).
async function colourPixels(page, sel, [r, g, b]) {
  return page.$eval(`${sel} canvas`, (cv, [r, g, b]) => {
    const data = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4)
      if (data[i + 3] > 200 && Math.abs(data[i] - r) < 12 && Math.abs(data[i + 1] - g) < 12 && Math.abs(data[i + 2] - b) < 12) n++;
    return n;
  }, [r, g, b]);
}

const { ctx, close } = await browser();
try {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, URL, 'manager', 'manager-password');
  await page.waitForSelector('#figures');
  // The dashboard's calls: the latest first (GET …/calls?order=desc).
  await page.waitForSelector('#call-rows tr td');
  const callIds = (await page.$$eval('#call-rows tr td:first-child', (tds) => tds.map((td) => Number(td.textContent))));
  const newestCall = Number(sql(`SELECT MAX(id) FROM calls WHERE campaign_id=${CID}`));
  check(callIds[0] === newestCall && callIds.every((v, i) => i === 0 || v < callIds[i - 1]),
    `the dashboard lists the calls newest first (${callIds[0]}, ${callIds[1]}, … ${callIds[callIds.length - 1]}; newest ${newestCall})`);
  await page.waitForSelector('#pacing-link');
  await page.click('#pacing-link');
  await page.waitForSelector('#pacing-rows tr');
  check((await page.inputValue('#pacing-campaign')) === String(CID), 'the dashboard opens the report for its campaign');
  // It opens on the latest day with calls (the whole history may hold more buckets than the server lists).
  check((await page.inputValue('#pacing-day')) === '2026-11-28', `the report opens on the latest day with calls (${await page.inputValue('#pacing-day')})`);
  await page.waitForFunction(() => document.querySelectorAll('#pacing-rows tr').length === 96);
  const firstDayRows = await tableRows(page);
  check(firstDayRows[0][0] === '00:00–00:15' && firstDayRows[36][0] === '09:00–09:15' && firstDayRows[36][1] === want15First(), 'the day in 15-minute buckets');
  // The whole history (empty day): from the first call to the last.
  await page.fill('#pacing-day', '');
  await page.waitForFunction(() => document.querySelectorAll('#pacing-rows tr').length === 12);

  const want15 = expected(15);
  sameRows(await tableRows(page), want15, '15-minute buckets');
  const totals = await page.$$eval('#pacing-totals .figure .value', (v) => v.map((x) => x.textContent));
  const placed = want15.reduce((s, b) => s + b.placed, 0), bridged = want15.reduce((s, b) => s + b.bridged, 0);
  check(totals[0] === String(placed) && placed === 180, `totals: ${placed} placed`);
  check(totals[2] === String(bridged), `totals: ${bridged} bridged`);
  const legends = await page.$$eval('#pacing-chart-calls .u-legend .u-label', (l) => l.map((x) => x.textContent));
  check(['placed', 'answered', 'bridged', 'abandoned', 'machine'].every((s) => legends.includes(s)), `the calls chart has its series (${legends.join(', ')})`);
  check((await colourPixels(page, '#pacing-chart-calls', [11, 92, 173])) > 100, 'the calls chart draws the placed bars');
  check((await colourPixels(page, '#pacing-chart-rates', [180, 35, 24])) > 50, 'the rates chart draws the abandonment rate');
  check((await colourPixels(page, '#pacing-chart-lines', [130, 80, 223])) > 50, 'the lines chart draws the callers');
  check((await colourPixels(page, '#pacing-chart-lines', [26, 127, 55])) > 50, 'the lines chart draws the callers logged in');
  // Logged in on average over 09:00-12:00: 4 callers for 3 h + caller-4 for 1 h = 4.33.
  check(totals[8] === '4.33', `totals: 4.33 callers logged in on average (${totals[8]})`);
  await page.screenshot({ path: `${ART}/70-pacing-charts.png` });
  await page.evaluate(() => document.querySelector('#pacing-chart-lines').scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: `${ART}/71-pacing-lines-and-table.png` });

  // The CSV download: the same numbers.
  const href = await page.getAttribute('#dl-pacing', 'href');
  const csv = await page.evaluate(async (u) => (await fetch(u, { credentials: 'same-origin' })).text(), href);
  const lines = csv.trim().split(/\r?\n/);
  check(lines[0].startsWith('start,end,placed,answered,human,machine,bridged,abandoned'), 'the CSV has its header');
  check(lines[0].endsWith(',callers,lines_per_caller,callers_logged_in,callers_paused,lines_per_logged_in_caller'), 'with the logged-in columns');
  check(lines.length === want15.length + 1, `the CSV has one row per bucket (${lines.length - 1})`);
  const row0 = lines[1].split(',');
  check(row0[0] === '2026-11-28T09:00:00.000Z' && row0[2] === String(want15[0].placed) && row0[6] === String(want15[0].bridged) &&
        row0[7] === String(want15[0].abandoned) && Number(row0[15]).toFixed(2) === want15[0].loggedIn, `the CSV's first bucket matches (${lines[1]})`);
  // caller-4's pause 10:30-10:45: one caller paused for the whole bucket.
  const paused = lines.find((l) => l.startsWith('2026-11-28T10:30:00.000Z')).split(',');
  check(paused[16] === '1.000' && paused[15] === '5.000', `10:30-10:45: 5 callers logged in, 1 paused (${paused.slice(15).join(',')})`);

  // An hour per bucket.
  await page.selectOption('#pacing-bucket', '1h');
  await page.waitForFunction(() => document.querySelectorAll('#pacing-rows tr').length === 3);
  sameRows(await tableRows(page), expected(60), 'one-hour buckets');
  // One day: every hour of it, the empty ones as zeros.
  await page.fill('#pacing-day', '2026-11-28');
  await page.waitForFunction(() => document.querySelectorAll('#pacing-rows tr').length === 24);
  const day = await tableRows(page);
  check(day[0][0] === '00:00–01:00' && day[0][1] === '0' && day[9][1] === '60' && day[12][1] === '0', 'the day view lists all 24 hours, calls only at 09–12');
  // A call the day before: the whole history spans two days, and its times show their dates.
  sql(`INSERT INTO calls (campaign_id, called_number, purpose_class, dial_mode, state, queued_at, dialed_at, ended_at, abandoned)
       VALUES (${CID}, '+12025559999', 'political', 'predictive', 'ended', ${Date.parse('2026-11-27T22:09:59Z')}, ${Date.parse('2026-11-27T22:10:00Z')}, ${Date.parse('2026-11-27T22:10:40Z')}, 0)`);
  await page.fill('#pacing-day', '');
  await page.waitForFunction(() => document.querySelectorAll('#pacing-rows tr').length === 14);
  const two = await tableRows(page);
  check(two[0][0] === '2026-11-27 22:00–23:00' && two[0][1] === '1' && two[1][0] === '2026-11-27 23:00–00:00' && two[11][0] === '2026-11-28 09:00–10:00',
    `rows spanning two days show their dates (${two[0][0]}, ${two[1][0]}, ${two[11][0]})`);
  const spanText = await page.textContent('#pacing-span');
  check(spanText.startsWith('2026-11-27 22:00–2026-11-28 12:00 UTC'), `and so does the range (${spanText.slice(0, 60)})`);
  check(errors.length === 0, `no page errors (${errors.join('; ')})`);
} finally {
  await close();
}
console.log('PASS');
