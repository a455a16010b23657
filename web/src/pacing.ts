// Pacing over the day (issue 8 §3): the report page #/reports/pacing reads
// GET /api/v1/campaigns/{id}/reports/pacing (per time bucket: calls placed,
// answered, bridged, abandoned, machine; the ledger's abandonment rate; lines
// in progress, callers who handled calls and callers logged in — from the
// stored caller sessions — and lines per caller of each) and plots it with uPlot, the
// dashboard's chart library; a table lists every bucket and the CSV download
// is the same report (…/reports/pacing.csv). Times are shown in UTC, with
// their dates when the range spans more than one day. Without a day in the
// address, the page opens on the campaign's latest day with calls (its whole
// history can hold more buckets than the server lists); emptying the day asks
// for the whole history.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, listCampaigns } from './api';
import { clear, h } from './dom';

const BUCKETS = [['5m', '5 minutes'], ['15m', '15 minutes'], ['30m', '30 minutes'], ['1h', '1 hour']];

function hhmm(iso: string): string { return iso.slice(11, 16); }
// The UTC day of an instant; of a range's end, the day of its last millisecond.
function dayOf(iso: string): string { return iso.slice(0, 10); }
function lastDayOf(iso: string): string { return new Date(Date.parse(iso) - 1).toISOString().slice(0, 10); }
// A bucket's or the range's start–end: the time alone within one day, else with the dates.
function span(from: string, to: string, multiDay: boolean): string {
  return multiDay ? `${dayOf(from)} ${hhmm(from)}–${lastDayOf(to) === dayOf(from) ? '' : `${dayOf(to)} `}${hhmm(to)}` : `${hhmm(from)}–${hhmm(to)}`;
}
function num(v: unknown, digits = 0): string { return v === null || v === undefined ? '—' : Number(v).toFixed(digits); }
const utc = (ts: number) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC');

export class PacingPage {
  private campaigns: any[] = [];
  private charts: uPlot[] = [];
  private campaign = h('select', { id: 'pacing-campaign' }) as HTMLSelectElement;
  private bucket = h('select', { id: 'pacing-bucket' }, ...BUCKETS.map(([v, t]) => h('option', { value: v, selected: v === '15m' }, t))) as HTMLSelectElement;
  private day = h('input', { id: 'pacing-day', type: 'date' }) as HTMLInputElement;
  private out = h('div', { id: 'pacing' });

  constructor(private root: HTMLElement) {}

  stop(): void { for (const c of this.charts) c.destroy(); this.charts = []; }

  async start(): Promise<void> {
    this.campaigns = await listCampaigns().catch(() => []);
    const q = new URLSearchParams(location.hash.split('?')[1] ?? '');
    const wanted = Number(q.get('campaign') ?? 0);
    const selected = this.campaigns.find((c) => c.id === wanted)?.id ?? this.campaigns.find((c) => c.state === 'active')?.id ?? this.campaigns[0]?.id ?? 0;
    for (const c of this.campaigns) this.campaign.append(h('option', { value: String(c.id), selected: c.id === selected }, `${c.name} (${c.state})`));
    if (q.get('bucket')) this.bucket.value = q.get('bucket')!;
    if (q.get('day')) this.day.value = q.get('day')!;
    const reload = () => void this.show();
    // Another campaign: its own latest day with calls.
    this.campaign.addEventListener('change', () => void this.latestDay().then(reload));
    this.bucket.addEventListener('change', reload);
    this.day.addEventListener('change', reload);
    clear(this.root, h('h1', {}, 'Pacing over the day'),
      h('p', { class: 'muted' }, 'Per time bucket, from the stored call records: every figure counts the calls dialled in that bucket. Times in UTC.'),
      this.campaigns.length
        ? h('div', { class: 'controls' }, h('label', { for: 'pacing-campaign' }, 'Campaign'), this.campaign,
          h('label', { for: 'pacing-bucket' }, 'Bucket'), this.bucket,
          h('label', { for: 'pacing-day' }, 'Day (UTC, empty: all)'), this.day)
        : h('p', {}, 'No campaigns yet.'),
      this.out);
    if (!this.campaigns.length) return;
    if (!q.get('day')) await this.latestDay();
    await this.show();
  }

  // Sets the day to the campaign's latest day with calls (UTC), read from the
  // report in one-day buckets (the last listed bucket is the last call's);
  // left empty when the campaign has no calls.
  private async latestDay(): Promise<void> {
    const id = Number(this.campaign.value);
    if (!id) return;
    try {
      const r = await api<any>('GET', `/api/v1/campaigns/${id}/reports/pacing?bucket=24h`);
      const b: any[] = r.buckets ?? [];
      this.day.value = b.length ? dayOf(b[b.length - 1].start) : '';
    } catch { this.day.value = ''; }
  }

  private query(): string {
    const p = new URLSearchParams({ bucket: this.bucket.value });
    if (this.day.value) { p.set('from', this.day.value); p.set('to', this.day.value); }
    return p.toString();
  }

  private async show(): Promise<void> {
    const id = Number(this.campaign.value);
    if (!id) return;
    let r: any;
    try {
      r = await api<any>('GET', `/api/v1/campaigns/${id}/reports/pacing?${this.query()}`);
    } catch (e) {
      clear(this.out, h('p', { class: 'error', role: 'alert', id: 'pacing-error' }, String((e as Error).message ?? e)));
      return;
    }
    this.stop();
    const b: any[] = r.buckets ?? [];
    const t = r.totals ?? {};
    const cap = this.campaigns.find((c) => c.id === id)?.abandon_target_pct ?? 3;
    const fig = (label: string, value: string, fid: string) => h('div', { class: 'figure', id: fid }, h('span', { class: 'value' }, value), h('span', { class: 'label' }, label));
    const csv = h('a', { href: `/api/v1/campaigns/${id}/reports/pacing.csv?${this.query()}`, download: '', id: 'dl-pacing', class: 'button' }, 'Download as CSV');
    const multiDay = !!r.from && dayOf(r.from) !== lastDayOf(r.to);
    const range = r.from ? `${multiDay ? span(r.from, r.to, true) : `${dayOf(r.from)} ${span(r.from, r.to, false)}`} UTC, ${b.length} buckets of ${r.bucket_seconds / 60} min` : 'No calls yet.';
    const boxes = [h('div', { class: 'chart', id: 'pacing-chart-calls' }), h('div', { class: 'chart', id: 'pacing-chart-rates' }), h('div', { class: 'chart', id: 'pacing-chart-lines' })];
    const rows = b.map((x) => h('tr', {}, h('td', {}, span(x.start, x.end, multiDay)),
      ...[x.placed, x.answered, x.bridged, x.abandoned, x.machine].map((v) => h('td', { class: 'num' }, String(v))),
      h('td', { class: 'num' }, num(x.abandon_rate_pct, 2)), h('td', { class: 'num' }, num(x.answer_rate_pct, 1)),
      h('td', { class: 'num' }, num(x.lines, 2)), h('td', { class: 'num' }, String(x.callers)), h('td', { class: 'num' }, num(x.lines_per_caller, 2)),
      h('td', { class: 'num' }, num(x.callers_logged_in, 2)), h('td', { class: 'num' }, num(x.lines_per_logged_in_caller, 2))));
    clear(this.out,
      h('p', { id: 'pacing-span' }, range, ' ', csv),
      h('div', { class: 'figures', id: 'pacing-totals' },
        fig('placed', String(t.placed ?? 0), 'pt-placed'), fig('answered', String(t.answered ?? 0), 'pt-answered'),
        fig('bridged', String(t.bridged ?? 0), 'pt-bridged'), fig('abandoned', String(t.abandoned ?? 0), 'pt-abandoned'),
        fig('machine', String(t.machine ?? 0), 'pt-machine'), fig(`abandon rate (cap ${cap} %)`, t.abandon_rate_pct === null || t.abandon_rate_pct === undefined ? '—' : `${num(t.abandon_rate_pct, 2)} %`, 'pt-rate'),
        fig('avg lines', num(t.lines, 2), 'pt-lines'), fig('callers who handled calls', String(t.callers ?? 0), 'pt-callers'),
        fig('callers logged in (avg)', num(t.callers_logged_in, 2), 'pt-logged-in'),
        fig('lines per logged-in caller', num(t.lines_per_logged_in_caller, 2), 'pt-lines-per-logged-in')),
      h('section', { class: 'card' }, h('h2', {}, 'Calls per bucket'), boxes[0]),
      h('section', { class: 'card' }, h('h2', {}, 'Abandonment and answer rate (%)'), boxes[1]),
      h('section', { class: 'card' }, h('h2', {}, 'Lines in progress and callers'), boxes[2]),
      h('section', { class: 'card' }, h('h2', {}, 'Buckets'),
        h('table', { class: 'callers pacing' }, h('thead', {}, h('tr', {}, ...['Time (UTC)', 'Placed', 'Answered', 'Bridged', 'Abandoned', 'Machine', 'Abandon %', 'Answer %', 'Lines', 'Callers (handled calls)', 'Lines / caller', 'Logged in (avg)', 'Lines / logged-in caller'].map((s) => h('th', { scope: 'col' }, s)))),
          h('tbody', { id: 'pacing-rows' }, ...rows))));
    if (!b.length) return;
    const xs = b.map((x) => Date.parse(x.start) / 1000);
    const col = (k: string) => b.map((x) => (x[k] === null || x[k] === undefined ? null : Number(x[k])));
    const width = Math.max(600, Math.min(1120, this.out.clientWidth - 48));
    const bars = uPlot.paths.bars!({ size: [0.7, 60] });
    const base = (ylabel: string): Partial<uPlot.Options> => ({ width, height: 210, tzDate: utc, scales: { x: { time: true } }, axes: [{}, { label: ylabel }] });
    this.charts.push(new uPlot({ ...base('calls'), series: [{}, { label: 'placed', stroke: '#0b5cad', fill: 'rgba(11,92,173,0.12)', paths: bars },
      { label: 'answered', stroke: '#1a7f37', width: 2 }, { label: 'bridged', stroke: '#8250df', width: 2 },
      { label: 'abandoned', stroke: '#b42318', width: 2 }, { label: 'machine', stroke: '#9a6700', width: 2, dash: [6, 4] }] } as uPlot.Options,
    [xs, col('placed'), col('answered'), col('bridged'), col('abandoned'), col('machine')] as uPlot.AlignedData, boxes[0]));
    this.charts.push(new uPlot({ ...base('%'), scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(cap * 2, max ?? 0, 10)] } },
      series: [{}, { label: 'abandon rate %', stroke: '#b42318', width: 2 }, { label: `cap ${cap} %`, stroke: '#1b1f24', dash: [4, 4], points: { show: false } },
        { label: 'answer rate %', stroke: '#1a7f37', width: 2 }] } as uPlot.Options,
    [xs, col('abandon_rate_pct'), xs.map(() => cap), col('answer_rate_pct')] as uPlot.AlignedData, boxes[1]));
    this.charts.push(new uPlot({ ...base('lines / callers'), series: [{}, { label: 'lines in progress', stroke: '#0b5cad', width: 2 },
      { label: 'callers who handled calls', stroke: '#8250df', width: 2 }, { label: 'lines per caller', stroke: '#9a6700', width: 2 },
      { label: 'callers logged in', stroke: '#1a7f37', width: 2 }, { label: 'lines per logged-in caller', stroke: '#bf3989', width: 2, dash: [6, 4] }] } as uPlot.Options,
    [xs, col('lines'), col('callers'), col('lines_per_caller'), col('callers_logged_in'), col('lines_per_logged_in_caller')] as uPlot.AlignedData, boxes[2]));
  }
}
