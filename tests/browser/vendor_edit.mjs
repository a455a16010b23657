// Vendor registry editing in the browser (issue 8 §2), on the 2019 case: a
// manager edits a site (a new version with its hash; a bad site type is
// refused naming the field), uploads evidence to a vetting record (the page
// shows the file's SHA-256, the saved version lists it), and every write is in
// the audit chain under the manager's name. A vendor supervisor may edit its
// own site but not another vendor's.
import { createHash } from 'node:crypto';
import { browser, check, login } from './lib.mjs';

const URL = process.env.CLEARLINE_URL, ART = process.env.ARTIFACTS;
const { ctx, close } = await browser();
try {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, URL, 'manager', 'manager-password');
  await page.waitForSelector('#figures');

  // 1. Edit a site: the next version.
  await page.goto(URL + '/#/vendor/site/site-prime-dc');
  await page.waitForSelector('#edit-json');
  check((await page.textContent('#record-version')).startsWith('version 1,'), 'the site is at version 1');
  const site = JSON.parse(await page.inputValue('#edit-json'));
  await page.fill('#edit-json', JSON.stringify({ ...site, site_type: 'moon_base' }, null, 2));
  await page.click('#edit-save');
  await page.waitForSelector('#edit-result .error');
  const bad = await page.textContent('#edit-result');
  check(bad.includes('site_type'), `a bad site type is refused naming the field (${bad})`);
  await page.fill('#edit-json', JSON.stringify({ ...site, name: 'Northstar Washington office (2nd floor)', max_seats: 48 }, null, 2));
  await page.click('#edit-save');
  await page.waitForSelector('#record-note');
  check((await page.textContent('#record-note')).startsWith('Saved version 2'), 'saved as version 2');
  check((await page.textContent('#record-version')).startsWith('version 2,'), 'the page shows version 2');
  check((await page.textContent('main')).includes('Northstar Washington office (2nd floor)'), 'with the new name');
  check((await page.$$('#record-versions li')).length === 2, 'two versions listed');

  // 2. Evidence on a vetting record: upload, hash shown, saved with the record.
  const report = Buffer.from(`Announced site visit, Northstar Washington office, ${new Date().toISOString()}: 40 seats, badge access, payroll on site.\n`);
  const sha = createHash('sha256').update(report).digest('hex');
  await page.goto(URL + '/#/vendor/vetting/vet-prime-dc');
  await page.waitForSelector('#evidence-file');
  await page.setInputFiles('#evidence-file', { name: 'site-visit-2026.txt', mimeType: 'text/plain', buffer: report });
  await page.fill('#evidence-issuer', 'Campaign operations');
  await page.click('#evidence-upload');
  await page.waitForSelector('#evidence-sha');
  check((await page.textContent('#evidence-sha')) === sha, `the page shows the file's SHA-256 (${sha.slice(0, 16)}…)`);
  check((await page.inputValue('#edit-json')).includes(`"evidence/${sha}"`), 'and adds it to evidence_docs');
  await page.click('#edit-save');
  await page.waitForSelector('#record-note');
  check((await page.textContent('#record-note')).startsWith('Saved version 2'), 'the vetting record is saved as version 2');
  const hashes = await page.$$eval('#record-evidence .evidence-hash', (c) => c.map((x) => x.textContent));
  check(hashes.includes(sha) && hashes.length === 2, `the record lists both evidence hashes (${hashes.length})`);
  await page.evaluate(() => document.querySelector('#record-evidence').scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: `${ART}/60-vendor-vetting-evidence.png` });

  // 3. Every write is audited, by the manager.
  const audit = await (await fetch(URL + '/api/v1/audit/export', { headers: { Authorization: `Bearer ${process.env.ADMIN_TOKEN}` } })).text();
  const lines = audit.split('\n').filter((l) => l.includes('user:manager'));
  check(lines.some((l) => l.includes('vendor.site.version') && l.includes('site-prime-dc')), 'the site edit is in the audit chain');
  check(lines.some((l) => l.includes('vendor.vetting.version')), 'the vetting edit is in the audit chain');
  check(lines.some((l) => l.includes('vendor.evidence.attach') && l.includes(sha)), 'the evidence upload is in the audit chain');

  // 4. A vendor supervisor (ProCom) edits its own site, not the prime vendor's.
  const lr = await fetch(URL + '/api/v1/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'procom-sup', password: 'vendor-password' }) });
  const cookie = lr.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await lr.json();
  const asProcom = (body) => fetch(URL + '/api/v1/vendor/records', { method: 'POST', headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const own = await (await fetch(URL + '/api/v1/vendor/records/site/site-procom-vineland', { headers: { Cookie: cookie } })).json();
  const ok = await asProcom({ kind: 'site', data: { ...own.data, max_seats: 25 } });
  check(ok.status === 200, `ProCom edits its own site (${ok.status})`);
  const other = await asProcom({ kind: 'site', data: { ...site, name: 'hijacked' } });
  check(other.status === 403 || other.status === 404, `ProCom cannot edit the prime vendor's site (${other.status})`);
  const after = await (await fetch(URL + '/api/v1/vendor/records/site/site-prime-dc', { headers: { Authorization: `Bearer ${process.env.ADMIN_TOKEN}` } })).json();
  check(after.data.name === 'Northstar Washington office (2nd floor)' && after.version === 2, 'the prime vendor\'s site is unchanged by it');
  check(errors.length === 0, `no page errors (${errors.join('; ')})`);
} finally {
  await close();
}
console.log('PASS');
