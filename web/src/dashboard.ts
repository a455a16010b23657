// The supervisor dashboard: per campaign, live by WebSocket (campaign.metrics,
// caller.state, gate.refused): callers by state, calls, dial level, the
// abandonment ledger against its caps, time-series charts (uPlot), alerts;
// per-site productivity (from the productivity export) and CSV downloads.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, listCampaigns, User } from './api';
import { clear, fmtTime, h } from './dom';
import { DomainEvent, EventStream } from './events';

interface Series { t: number[]; ready: number[]; onCall: number[]; wrap: number[]; paused: number[] }

export class Dashboard {
  private campaigns: any[] = [];
  private selected = 0;
  private stream: EventStream;
  private callers = new Map<string, any>();
  private series: Series = { t: [], ready: [], onCall: [], wrap: [], paused: [] };
  private chart: uPlot | null = null;
  private alerts: { text: string; severity: string; kind: string }[] = [];
  private conn = h('span', { id: 'dash-conn', class: 'conn down', role: 'status' }, '○ connecting…');
  private trunkBanner = h('div', { id: 'trunk-banner', class: 'refused', role: 'alert', hidden: true });
  private figures = h('div', { class: 'figures', id: 'figures' });
  private callerTable = h('tbody', { id: 'caller-rows' });
  private alertList = h('ul', { id: 'alerts', class: 'alerts', 'aria-live': 'polite' }, h('li', { class: 'muted' }, 'No alerts since this page opened.'));
  private chartBox = h('div', { id: 'chart', class: 'chart' });
  private siteTable = h('tbody', { id: 'site-rows' });
  private vendorTable = h('tbody', { id: 'vendor-rows' });
  private downloads = h('p', { id: 'downloads', class: 'downloads' });
  private callRows = h('tbody', { id: 'call-rows' });
  private metricsSeen = 0;
  private ledger: any = {};
  private last: any = null;

  constructor(private root: HTMLElement, private user: User) {
    this.stream = new EventStream((ev) => this.onEvent(ev), () => void this.load(), (up) => {
      this.conn.className = `conn ${up ? 'up' : 'down'}`;
      this.conn.textContent = up ? '● live' : '○ reconnecting…';
    });
  }

  async start(): Promise<void> {
    this.campaigns = await listCampaigns().catch(() => []);
    this.selected = this.campaigns.find((c) => c.state === 'active')?.id ?? this.campaigns[0]?.id ?? 0;
    const sel = h('select', { id: 'dash-campaign', onchange: () => { this.selected = Number(sel.value); this.reset(); void this.load(); } },
      ...this.campaigns.map((c) => h('option', { value: String(c.id), selected: c.id === this.selected }, `${c.name} (${c.state})`)));
    clear(
        this.root, h('h1', {}, 'Dashboard ', this.conn), this.trunkBanner,
        this.campaigns.length ? h('p', {},
                                  h('label',
                                    { for: 'dash-campaign'
                                    },
                                    'Campaign '),
                                  sel) :
                                h('p', {}, 'No campaigns yet.'),
        this.figures,
        h('section', {class: 'card', id: 'alerts-card'}, h('h2', {}, 'Alerts'), this.alertList),
        h('section', {class: 'card'}, h('h2', {}, 'Callers by state over time'), this.chartBox),
        h('section', {class: 'card'}, h('h2', {}, 'Callers'),
          h('table', {class: 'callers'},
            h('thead', {},
              h('tr', {}, h('th', {scope: 'col'}, 'Caller'), h('th', {scope: 'col'}, 'Site'),
                h('th', {scope: 'col'}, 'State'), h('th', {scope: 'col'}, 'Since'))),
            this.callerTable)),
        h('section', {class: 'card', id: 'calls'}, h('h2', {}, 'Calls (latest 200, newest first)'),
          h('table', {class: 'callers'},
            h('thead', {},
              h('tr', {},
                ...['Call', 'Number', 'Caller', 'Site', 'State', 'Disposition', ''].map(
                    (t) => h('th', {scope: 'col'}, t)))),
            this.callRows)),
        h('section', {class: 'card', id: 'reports'}, h('h2', {}, 'Per site'),
          h('table', {class: 'callers'},
            h('thead', {},
              h('tr', {},
                ...['Site', 'Callers', 'Calls', 'Connected', 'Talk (min)', 'Avg talk (s)',
                    'Avg wrap-up (s)', 'Connected / hour']
                    .map((t) => h('th', {scope: 'col'}, t)))),
            this.siteTable),
          h('h2', {}, 'Per vendor'),
          h('table', {class: 'callers'},
            h('thead', {},
              h('tr', {},
                ...['Vendor', 'Name', 'Callers', 'Calls', 'Connected', 'Talk (min)', 'Avg talk (s)',
                    'Avg wrap-up (s)', 'Connected / hour']
                    .map((t) => h('th', {scope: 'col'}, t)))),
            this.vendorTable),
          h('h2', {}, 'Exports (CSV)'), this.downloads));
    this.makeChart();
    this.stream.start();
    await this.load();
  }

  stop(): void { this.stream.stop(); this.chart?.destroy(); }

  private reset(): void {
    this.callers.clear();
    this.series = { t: [], ready: [], onCall: [], wrap: [], paused: [] };
    this.makeChart();
  }

  private makeChart(): void {
    this.chart?.destroy();
    const opts: uPlot.Options = {
      width: 1100, height: 220,
      series: [{}, { label: 'ready', stroke: '#1a7f37' }, { label: 'on call', stroke: '#0b5cad' }, { label: 'wrap-up', stroke: '#8250df' }, { label: 'paused', stroke: '#9a6700' }],
      axes: [{}, { label: 'callers' }],
      scales: { x: { time: true } },
    };
    clear(this.chartBox);
    this.chart = new uPlot(opts, [this.series.t, this.series.ready, this.series.onCall, this.series.wrap, this.series.paused], this.chartBox);
  }

  private async load(): Promise<void> {
    if (!this.selected) return;
    try {
      const live = await api<any>('GET', `/api/v1/campaigns/${this.selected}/live`);
      this.callers.clear();
      for (const c of live.callers ?? []) this.callers.set(c.caller_ref, c);
      this.ledger = live.ledger ?? {};
      this.last = {
        callers: live.callers_by_state,
        calls: live.calls,
        dial_level: live.dial_level,
        ledger: live.ledger,
        ring: live.ring
      };
      this.renderFigures();
      this.renderCallers();
      this.renderDownloads();
      await Promise.all([this.loadSites(), this.loadCalls()]);
    } catch (e) {
      clear(this.figures, h('p', { class: 'error', role: 'alert' }, String((e as Error).message ?? e)));
    }
  }

  private onEvent(ev: DomainEvent): void {
    // Alerts (derived on the server: ledger near its cap, gate refusals, trunk
    // down/up) are shown for every campaign, newest first.
    if (ev.type === 'alert') { this.onAlert(ev); return; }
    if (String(ev.campaign_id) !== String(this.selected)) return;
    if (ev.type === 'campaign.metrics') {
      this.last = ev.data;
      if (ev.data.ledger) this.ledger = ev.data.ledger;
      const by = ev.data.callers ?? {};
      const s = this.series;
      s.t.push(Date.parse(ev.at) / 1000);
      s.ready.push(by.ready ?? 0); s.onCall.push(by.on_call ?? 0); s.wrap.push(by.wrap_up ?? 0); s.paused.push(by.paused ?? 0);
      if (s.t.length > 600) for (const k of Object.keys(s) as (keyof Series)[]) s[k].shift();
      this.chart?.setData([s.t, s.ready, s.onCall, s.wrap, s.paused]);
      this.renderFigures();
      if (++this.metricsSeen % 10 === 0) { void this.loadSites().catch(() => {}); void this.loadCalls().catch(() => {}); }
    } else if (ev.type === 'caller.state') {
      if (ev.data.state === 'logged_out') this.callers.delete(ev.caller_ref);
      else this.callers.set(ev.caller_ref, ev.data);
      this.renderCallers();
    }
  }

  private onAlert(ev: DomainEvent): void {
    const d = ev.data ?? {};
    const camp = this.campaigns.find((c) => String(c.id) === String(ev.campaign_id));
    const where = camp ? ` [${camp.name}]` : ev.campaign_id ? ` [campaign ${ev.campaign_id}]` : '';
    this.alert(`${fmtTime(ev.at)} — ${d.message ?? JSON.stringify(d)}${where}`, d.severity ?? 'warning', d.kind ?? '');
    if (d.kind === 'trunk') {
      this.trunkBanner.hidden = d.up !== false;
      clear(this.trunkBanner, d.up === false ? `${d.message} — calls cannot be placed until it is back.` : '');
    }
  }

  private alert(text: string, severity = 'warning', kind = ''): void {
    this.alerts.unshift({ text, severity, kind });
    this.alerts = this.alerts.slice(0, 50);
    clear(this.alertList, ...this.alerts.map((a) => h('li', { class: `alert-${a.severity}`, 'data-kind': a.kind }, h('span', { class: `badge sev-${a.severity}` }, a.severity), ' ', a.text)));
  }

  private renderFigures(): void {
    const m = this.last ?? {};
    const by = m.callers ?? {};
    const calls = m.calls ?? {};
    const l = this.ledger ?? {};
    const pct = (a: number, b: number) => (b > 0 ? `${((100 * a) / b).toFixed(2)} %` : '—');
    const cap = this.campaigns.find((c) => c.id === this.selected)?.abandon_target_pct ?? 3;
    const fig = (label: string, value: string | number, id: string) => h('div', { class: 'figure', id }, h('span', { class: 'value' }, String(value)), h('span', { class: 'label' }, label));
    clear(
        this.figures, fig('ready', by.ready ?? 0, 'fig-ready'),
        fig('on call', by.on_call ?? 0, 'fig-oncall'), fig('wrap-up', by.wrap_up ?? 0, 'fig-wrap'),
        fig('paused', by.paused ?? 0, 'fig-paused'),
        fig('ringing', calls.ringing ?? 0, 'fig-ringing'),
        fig('connected', calls.connected ?? 0, 'fig-connected'),
        fig('dial level', Number(m.dial_level ?? 0).toFixed(2), 'fig-dial'),
        ...this.ringFigures(m.ring),
        fig(`abandoned 24 h (cap ${cap} %)`, pct(l.abandoned_24h ?? 0, l.answered_24h ?? 0),
            'fig-ab24'),
        fig(`abandoned 30 d (cap ${cap} %)`, pct(l.abandoned_30d ?? 0, l.answered_30d ?? 0),
            'fig-ab30'),
        ...(Number(m.routed_waiting ?? 0) > 0 ?
                [
                  fig('for manual dialing', m.routed_waiting, 'fig-routed'),
                  h('p', {class: 'muted figure-note', id: 'routed-note'},
                    `${m.routed_waiting} numbers wait for manual dialing: the policy may not autodial them (wireless or unknown ` +
                        'line type without recorded consent, rule R11). Callers dial them from the console; import line types or ' +
                        'consent to autodial them.')
                ] :
                []));
  }

  // The ring timeout (SIP dialing only): the campaign's, or shorter while our
  // pacer cuts the ring (docs/pacing.md "The ring cut"), with a note saying so.
  private ringFigures(ring: any): HTMLElement[] {
    if (!ring || !Number(ring.campaign_s)) return [];
    const now = Number(ring.now_s || ring.campaign_s), full = Number(ring.campaign_s),
          short = Number(ring.short_dials ?? 0);
    const cut = now < full;
    const out: HTMLElement[] =
        [h('div', {class: 'figure', id: 'fig-ring'},
           h('span', {class: 'value'}, cut ? `${now} s of ${full} s` : `${full} s`),
           h('span', {class: 'label'}, 'ring timeout'))];
    if (short > 0) {
      out.push(h(
          'p', {class: 'muted figure-note', id: 'ring-note'},
          `${short} dials rang shorter than the campaign's ${
              full} s: the pacer cuts the ring while the late answers are ` +
              'mostly machines or the lines are all taken, missing at most the share of people set by [pacing] ' +
              'ring_cut_max_people_loss (they are dialed again).'));
    }
    return out;
  }

  private renderDownloads(): void {
    const base = `/api/v1/campaigns/${this.selected}/exports`;
    const link = (href: string, text: string, id: string) => h('a', { href, download: '', id, class: 'button' }, text);
    clear(this.downloads,
      link(`${base}/calls.csv`, 'Call records and survey answers', 'dl-calls'), ' ',
      link(`${base}/productivity.csv?by=caller`, 'Productivity per caller', 'dl-callers'), ' ',
      link(`${base}/productivity.csv?by=site`, 'Productivity per site', 'dl-sites'), ' ',
      link(`${base}/productivity.csv?by=vendor`, 'Productivity per vendor', 'dl-vendors'), ' ',
      link(`/api/v1/campaigns/${this.selected}/reports/pacing.csv?bucket=15m`, 'Pacing per 15 minutes', 'dl-pacing-15m'), ' ',
      h('a', { href: `#/reports/pacing?campaign=${this.selected}`, id: 'pacing-link' }, 'Pacing over the day (charts) →'));
  }

  // The campaign's latest 200 calls, newest first, each with "why was this call allowed?".
  private async loadCalls(): Promise<void> {
    const r = await api<{ items: any[] }>('GET', `/api/v1/campaigns/${this.selected}/calls?order=desc&limit=200`);
    clear(this.callRows, ...r.items.map((c) => h('tr', {}, h('td', {}, String(c.id)), h('td', {}, c.called_number), h('td', {}, c.caller_ref || '—'),
      h('td', {}, c.site_id || '—'), h('td', {}, c.state), h('td', {}, c.disposition || '—'),
      h('td', {}, h('a', { href: `#/calls/${c.id}/explain`, id: `explain-${c.id}` }, 'Why was this call allowed?')))));
    if (!r.items.length) this.callRows.append(h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'No calls yet.')));
  }

  // The per-site and per-vendor tables read the same CSVs the downloads give.
  private async loadSites(): Promise<void> {
    await Promise.all([
      this.loadBreakdown('site', this.siteTable, ['site_id', 'callers']),
      this.loadBreakdown('vendor', this.vendorTable, ['vendor_id', 'vendor_name', 'callers']),
    ]);
  }

  private async loadBreakdown(by: string, table: HTMLElement, keys: string[]): Promise<void> {
    const res = await fetch(`/api/v1/campaigns/${this.selected}/exports/productivity.csv?by=${by}`, { credentials: 'same-origin' });
    if (!res.ok) return;
    const rows = parseCsv(await res.text());
    const head = rows.shift() ?? [];
    const col = (r: string[], name: string) => r[head.indexOf(name)] ?? '';
    const body = rows.filter((r) => r.length > 1);
    const cols = [
      ...keys, 'calls', 'connected', 'talk_minutes', 'average_talk_seconds', 'average_wrap_seconds',
      'connected_per_hour'
    ];
    clear(table, ...body.map((r) => h('tr', {}, ...cols.map((k) => h('td', {}, col(r, k) || '—')))));
    if (!body.length) table.append(h('tr', {}, h('td', { colspan: cols.length, class: 'muted' }, 'No calls yet.')));
  }

  private renderCallers(): void {
    const rows = [...this.callers.values()].sort((a, b) => String(a.caller_ref).localeCompare(String(b.caller_ref)));
    clear(this.callerTable, ...rows.map((c) => h('tr', {}, h('td', {}, c.caller_ref), h('td', {}, c.site_id ?? ''),
      h('td', {}, h('span', { class: `badge state-${c.state}` }, c.state.replace('_', ' '))), h('td', {}, fmtTime(c.since)))));
    if (!rows.length) this.callerTable.append(h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'No callers signed in.')));
    void this.user;
  }
}

// RFC 4180: quoted cells, doubled quotes, CRLF or LF line ends.
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else if (c !== '\r') cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
