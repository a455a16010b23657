// Turns bench/sip/run.sh's results.jsonl into report.md (tables) and two SVG
// plots: cps.svg (achieved vs offered call setups per second, with setup-time
// p99) and concurrency.svg (CPU per bridged call and loop latency p99 against
// concurrent bridged calls). Usage: node bench/sip/report.mjs RESULTS.jsonl OUT_DIR
import { readFileSync, writeFileSync } from 'node:fs';

const [file, out] = process.argv.slice(2);
const rows = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const cps = rows.filter((r) => r.sweep === 'cps');
const conc = rows.filter((r) => r.sweep === 'concurrency');

// Loop latency histogram: bucket i counts timer lateness in [2^(i-1), 2^i) ms
// (bucket 0: < 1 ms). Returns the upper bound (ms) of the bucket holding q.
function histQuantile(h, q) {
  const total = h.reduce((a, b) => a + b, 0);
  if (!total) return NaN;
  let acc = 0;
  for (let i = 0; i < h.length; i++) {
    acc += h[i];
    if (acc >= q * total) return 2 ** i;
  }
  return 2 ** h.length;
}
const cpuMs = (r) => r.cpu_user_ms + r.cpu_sys_ms;
const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const achieved = (r) => (r.answer_span_ms > 0 ? (r.answered * 1000) / r.answer_span_ms : NaN);
const failed = (r) => r.placed - r.answered;

let md = '### Call setups per second\n\n';
md += 'Carrier answers at once and hangs up after 1 s; the driver places calls at the offered rate.\n';
md += 'Achieved = answered calls / (first INVITE → last 200 OK). CPU per call in ms of one core.\n\n';
md += '| offered/s | load avg | placed | answered | not answered | achieved/s | setup p50 ms | setup p99 ms | loop p99 ≤ ms | Clearline CPU ms/call | carrier CPU ms/call (baseline) | ratio |\n';
md += '|---|---|---|---|---|---|---|---|---|---|---|---|\n';
for (const r of cps) {
  const ours = cpuMs(r) / Math.max(1, r.placed);
  const base = r.carrier_cpu_ms / Math.max(1, r.placed);
  md += `| ${r.offered_cps} | ${r.load_avg} | ${r.placed} | ${r.answered} | ${failed(r)} | ${fmt(achieved(r))} | ${r.setup_ms_p50} | ${r.setup_ms_p99} | ${histQuantile(r.loop_latency_hist_log2ms, 0.99)} | ${fmt(ours, 2)} | ${fmt(base, 2)} | ${fmt(ours / base, 2)} |\n`;
}
md += '\n### Concurrent bridged calls with full media\n\n';
md += 'Every caller phone (agentbot) is bridged to one customer (carrier) for the talk time; both send 50 packets/s of G.711.\n';
md += 'Expected packets per direction = bridged × talk / 20 ms. Loss to callers = 1 − packets the phones received / packets Clearline relayed to them; loss to customers = 1 − packets the carrier received / packets Clearline relayed to it (Clearline sends a customer nothing before the bridge). A few packets in flight at hang-up count as lost.\n\n';
md += '| callers | load avg | bridged | peak concurrent | RTP streams relayed | relayed to callers | relayed to customers | expected per direction | callers received | loss to callers | customers received | loss to customers | Clearline CPU % of a core per bridged call | carrier CPU per call (baseline) | loop p50 ≤ ms | loop p99 ≤ ms |\n';
md += '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n';
for (const r of conc) {
  const expected = (r.bridged * r.talk_ms) / 20;
  const callSeconds = (r.bridged * r.talk_ms) / 1000;
  const pctPerCall = (100 * cpuMs(r)) / 1000 / Math.max(1, callSeconds);
  const basePct = (100 * r.carrier_cpu_ms) / 1000 / Math.max(1, callSeconds);
  const loss = r.rtp_relayed_to_caller ? 1 - r.bot_rtp_rx / r.rtp_relayed_to_caller : NaN;
  const lossC = r.rtp_relayed_to_customer ? 1 - r.carrier_rtp_rx / r.rtp_relayed_to_customer : NaN;
  md += `| ${r.callers} | ${r.load_avg} | ${r.bridged} | ${r.peak_bridged} | ${2 * r.peak_bridged} | ${r.rtp_relayed_to_caller} | ${r.rtp_relayed_to_customer} | ${Math.round(expected)} | ${r.bot_rtp_rx} | ${fmt(100 * loss, 3)} % | ${r.carrier_rtp_rx} | ${fmt(100 * lossC, 3)} % | ${fmt(pctPerCall, 3)} | ${fmt(basePct, 3)} | ${histQuantile(r.loop_latency_hist_log2ms, 0.5)} | ${histQuantile(r.loop_latency_hist_log2ms, 0.99)} |\n`;
}
writeFileSync(`${out}/report.md`, md);
process.stdout.write(md);

// A small line plot: series of [x, y] points on one pair of axes.
function plot(title, xLabel, yLabel, series) {
  const W = 640, H = 400, L = 70, R = 20, T = 40, Bm = 60;
  const pts = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  // Axes end on a round number: 1, 2 or 5 times a power of ten, times 5 ticks.
  const niceMax = (v) => {
    const step = v / 5, p = 10 ** Math.floor(Math.log10(step));
    return 5 * [1, 2, 2.5, 5, 10].map((m) => m * p).find((m) => m >= step);
  };
  const xMax = niceMax(Math.max(...pts.map((p) => p[0])) * 1.05);
  const yMax = niceMax(Math.max(...pts.map((p) => p[1])) * 1.1);
  const sx = (x) => L + (x / xMax) * (W - L - R);
  const sy = (y) => H - Bm - (y / yMax) * (H - T - Bm);
  const colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
  let s = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">\n`;
  s += `<rect width="${W}" height="${H}" fill="white"/>\n<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${title}</text>\n`;
  for (let i = 0; i <= 5; i++) {
    const yv = (yMax * i) / 5, xv = (xMax * i) / 5;
    s += `<line x1="${L}" x2="${W - R}" y1="${sy(yv)}" y2="${sy(yv)}" stroke="#ddd"/><text x="${L - 6}" y="${sy(yv) + 4}" text-anchor="end">${fmt(yv, yMax < 5 ? 2 : 0)}</text>\n`;
    s += `<text x="${sx(xv)}" y="${H - Bm + 18}" text-anchor="middle">${fmt(xv, 0)}</text>\n`;
  }
  s += `<line x1="${L}" x2="${W - R}" y1="${H - Bm}" y2="${H - Bm}" stroke="black"/><line x1="${L}" x2="${L}" y1="${T}" y2="${H - Bm}" stroke="black"/>\n`;
  s += `<text x="${(L + W - R) / 2}" y="${H - 20}" text-anchor="middle">${xLabel}</text>\n`;
  s += `<text transform="translate(18 ${(T + H - Bm) / 2}) rotate(-90)" text-anchor="middle">${yLabel}</text>\n`;
  series.forEach((ser, i) => {
    const c = colors[i % colors.length];
    const p = ser.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    s += `<polyline fill="none" stroke="${c}" stroke-width="2" ${ser.dash ? 'stroke-dasharray="6 4"' : ''} points="${p.map(([x, y]) => `${sx(x)},${sy(y)}`).join(' ')}"/>\n`;
    for (const [x, y] of p) s += `<circle cx="${sx(x)}" cy="${sy(y)}" r="3" fill="${c}"/>\n`;
    s += `<rect x="${L + 12}" y="${T + 8 + i * 18}" width="14" height="4" fill="${c}"/><text x="${L + 32}" y="${T + 14 + i * 18}">${ser.name}</text>\n`;
  });
  return s + '</svg>\n';
}
writeFileSync(`${out}/cps.svg`, plot('Call setups per second (loopback, 2 cores shared with the load generator)',
  'offered call setups/s', 'calls/s', [
    { name: 'achieved (answered/s)', points: cps.map((r) => [r.offered_cps, achieved(r)]) },
    { name: 'offered', dash: true, points: cps.map((r) => [r.offered_cps, r.offered_cps]) },
    { name: 'target 200/s', dash: true, points: cps.map((r) => [r.offered_cps, 200]) },
  ]));
writeFileSync(`${out}/concurrency.svg`, plot('CPU per bridged call (relaying both RTP streams)',
  'concurrent bridged calls', '% of one core per call', [
    { name: 'Clearline (LibreTelephony)', points: conc.map((r) => [r.peak_bridged, (100 * cpuMs(r)) / 1000 / Math.max(1, (r.bridged * r.talk_ms) / 1000)]) },
    { name: 'carrier simulator (baseline)', points: conc.map((r) => [r.peak_bridged, (100 * r.carrier_cpu_ms) / 1000 / Math.max(1, (r.bridged * r.talk_ms) / 1000)]) },
  ]));
