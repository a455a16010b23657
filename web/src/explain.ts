// "Why was this call allowed?" (#/calls/ID/explain, from the dashboard's call
// list): GET /api/v1/calls/{id}/explain shown in plain sections — the
// compliance authorization (verdict, reason, every rule version evaluated with
// its citation and hash), who made the call (caller, worker category, site,
// the vendor chain tier by tier), the vendor gates re-evaluated on the stored
// registry versions, and whether those versions reproduce the call's vetting
// snapshot hash.
import { api, ApiError } from './api';
import { clear, h } from './dom';

const short = (s: string | null | undefined, n = 16) => (s ? (s.length > n ? `${s.slice(0, n)}…` : s) : '—');

export class ExplainPage {
  constructor(private root: HTMLElement, private callId: number) {}

  stop(): void {}

  async start(): Promise<void> {
    clear(this.root, h('h1', {}, `Why was call ${this.callId} allowed?`), h('p', {}, 'Loading…'));
    let x: any;
    try {
      x = await api<any>('GET', `/api/v1/calls/${this.callId}/explain`);
    } catch (e) {
      const err = e as ApiError;
      clear(this.root, h('h1', {}, `Why was call ${this.callId} allowed?`), h('p', { class: 'error', role: 'alert', id: 'explain-error' }, err.message));
      return;
    }
    const kv = (rows: [string, string | number | boolean | null | undefined][]) => h('table', { class: 'kv' },
      h('tbody', {}, ...rows.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v === null || v === undefined || v === '' ? '—' : String(v))))));
    const a = x.authorization, w = x.who, why = x.why, p = x.provenance;
    const site = w && typeof w.site === 'object' && w.site ? `${w.site.name} (${w.site.type_label ?? w.site.type}, ${w.site.city}, ${w.site.state})` : (w?.site || '');
    const gates = why?.vendor_gates ?? [];
    const summary = h('section', { class: 'card summary', id: 'explain-summary' }, h('h2', {}, 'In short'), h('ul', {},
      h('li', {}, a?.found ? `Compliance: ${a.verdict} — ${a.reason} (${(a.rules ?? []).length} rule versions evaluated, record ${a.id}).` : 'Compliance: no authorization record on this call.'),
      h('li', {}, w?.caller_ref ? `Made by ${w.caller_ref}${w.worker_category ? ` (${w.worker_category})` : ''}${site ? ` at ${site}` : ''}${w.chain?.length ? `, for ${w.chain.map((c: any) => c.entity).join(' → ')}` : ''}.` : 'Made by: no caller on this call.'),
      gates.length ? h('li', {}, why.vendor_gates_allowed ? `Vendor chain: all ${gates.length} gates pass.` : `Vendor chain: REFUSED — ${why.reason}`) : null,
      p ? h('li', {}, p.verified ? 'Vetting snapshot: verified against the stored record versions.' : 'Vetting snapshot: NOT VERIFIED.') : null));
    clear(this.root,
      h('h1', {}, `Why was call ${this.callId} allowed?`),
      h('p', {}, h('a', { href: '#/dashboard' }, '← Dashboard')),
      summary,
      h('div', { class: 'grid2' },
        h('section', { class: 'card', id: 'explain-call' }, h('h2', {}, 'The call'),
          kv([['Number', x.called_number], ['Campaign', `${x.campaign?.id}: ${x.campaign?.name} (${x.campaign?.purpose})`], ['Dialed at', x.dialed_at],
            ['Dial mode', x.dial_mode], ['State', x.state], ['Disposition', x.disposition]])),
        this.who(w, why, kv)),
      this.authorization(a, kv),
      this.gates(why),
      this.provenance(p));
  }

  private authorization(a: any, kv: (r: [string, any][]) => HTMLElement): HTMLElement {
    const box = h('section', { class: 'card', id: 'explain-authorization' }, h('h2', {}, 'Compliance authorization'));
    if (!a) { box.append(h('p', { class: 'muted' }, 'This call names no compliance authorization record.')); return box; }
    if (!a.found) { box.append(h('p', { class: 'error' }, `${a.id}: ${a.detail}`)); return box; }
    box.append(
      h('p', { class: 'status' }, h('span', { class: `badge verdict-${a.verdict}`, id: 'explain-verdict' }, a.verdict), ' ', h('span', { id: 'explain-reason' }, a.reason)),
      kv([['Record', a.id], ['Decided at', a.at], ['Purpose', a.purpose], ['Dial mode', a.dial_mode], ['Line type', a.line_type], ['Consent', a.consent],
        ['Reassigned-number check', a.rnd_status], ['Candidate locations', (a.locations ?? []).join(', ')], ['Rule book', short(a.ruleset, 24)]]),
      h('h3', {}, `Rules evaluated (${(a.rules ?? []).length})`),
      h('table', { class: 'callers', id: 'explain-rules' },
        h('thead', {}, h('tr', {}, ...['Rule', 'Version', 'Jurisdiction', 'Citation', 'Verdict', 'Content hash'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...(a.rules ?? []).map((r: any) => h('tr', { class: r.deciding ? 'deciding' : '' },
          h('td', {}, r.rule_id), h('td', {}, String(r.version ?? '—')), h('td', {}, r.jurisdiction ?? '—'), h('td', {}, r.citation ?? r.detail ?? '—'),
          h('td', {}, r.verdict), h('td', { class: 'raw' }, short(r.content_hash)))))));
    return box;
  }

  private who(w: any, why: any, kv: (r: [string, any][]) => HTMLElement): HTMLElement {
    const box = h('section', { class: 'card', id: 'explain-who' }, h('h2', {}, 'Who made it'));
    if (!w) { box.append(h('p', { class: 'muted' }, why?.vendor_chain ?? 'No caller on this call.')); return box; }
    const site = typeof w.site === 'object' && w.site ? `${w.site.name} (${w.site.type_label ?? w.site.type}, ${w.site.city}, ${w.site.state})` : (w.site || '—');
    box.append(kv([['Caller', w.caller_ref], ['Worker category', w.worker_category], ['Site', site]]));
    if (w.chain?.length) {
      box.append(h('h3', {}, 'Vendor chain'), h('table', { class: 'callers', id: 'explain-chain' },
        h('thead', {}, h('tr', {}, ...['Tier', 'Entity', 'Engaged by', 'Contract', 'Campaign consent'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...w.chain.map((c: any) => h('tr', {}, h('td', {}, String(c.tier)), h('td', {}, c.entity ?? c.engagement_id), h('td', {}, c.engaged_by ?? '—'),
          h('td', {}, c.contract_ref ?? '—'), h('td', {}, c.campaign_consent ?? '—'))))));
    } else if (why?.vendor_chain) {
      box.append(h('p', { class: 'muted' }, why.vendor_chain));
    }
    return box;
  }

  private gates(why: any): HTMLElement | null {
    if (!why?.vendor_gates) return null;
    return h('section', { class: 'card', id: 'explain-gates' }, h('h2', {}, 'Vendor-chain gates (re-evaluated on the stored versions)'),
      h('p', {}, why.vendor_gates_allowed ? h('span', { class: 'ok' }, 'All gates pass.') : h('span', { class: 'error' }, `Refused: ${why.reason}`)),
      h('table', { class: 'callers' }, h('tbody', {}, ...why.vendor_gates.map((g: any) => h('tr', { class: g.passed ? '' : 'flag' },
        h('td', {}, g.id), h('td', {}, g.passed ? 'pass' : 'FAIL'), h('td', {}, g.detail))))));
  }

  private provenance(p: any): HTMLElement | null {
    if (!p) return null;
    return h('section', { class: 'card', id: 'explain-provenance' }, h('h2', {}, 'Vetting snapshot'),
      h('p', { id: 'explain-verified', class: p.verified ? 'ok' : 'error' }, p.verified
        ? `Verified: the ${p.record_versions.length} stored record versions reproduce the call's snapshot hash.`
        : 'NOT VERIFIED: the stored record versions do not reproduce the call\'s snapshot hash.'),
      h('p', { class: 'muted' }, 'Snapshot ', h('code', {}, p.vetting_snapshot_hash)),
      h('ul', {}, ...p.record_versions.map((v: any) => h('li', {}, `${v.ok ? '✓' : '✗'} ${String(v.version).replace(/#.*/, '')}`))));
  }
}
