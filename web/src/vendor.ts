// Vendor registry pages. A vendor supervisor sees only its own subtree (the
// server applies the vendor chain's access function; another vendor's record
// answers "not found"). Managers and auditors see the whole registry and the
// campaign's disclosure report: who made the calls, from where, paid how.
import { api, ApiError, User } from './api';
import { clear, h } from './dom';

function recordLink(kind: string, id: string): HTMLElement {
  return h('a', { href: `#/vendor/${kind}/${encodeURIComponent(id)}` }, id);
}

export class VendorPage {
  constructor(private root: HTMLElement, private user: User, private path: string[]) {}
  stop(): void {}

  async start(): Promise<void> {
    if (this.path.length >= 2) return this.record(this.path[0], decodeURIComponent(this.path[1]));
    const r = await api<{ items: any[] }>('GET', '/api/v1/vendor/records');
    const kinds = ['entity', 'engagement', 'site', 'caller', 'vetting'];
    const sections = kinds.map((k) => {
      const items = r.items.filter((x) => x.kind === k);
      return h('section', { class: 'card', id: `vendor-${k}` }, h('h2', {}, `${k[0].toUpperCase()}${k.slice(1)}s (${items.length})`),
        items.length ? h('ul', {}, ...items.map((x) => h('li', {}, recordLink(k, x.id), ' ', h('span', { class: 'muted' }, this.summary(x))))) : h('p', { class: 'muted' }, 'None visible to you.'));
    });
    clear(this.root, h('h1', {}, 'Vendor registry'),
      h('p', { class: 'muted' }, this.user.role === 'vendor_supervisor' ? `Records of ${this.user.entity_id} and its subtree.` : 'Every record in the registry.'),
      ...sections);
  }

  private summary(x: any): string {
    const d = x.data ?? {};
    if (x.kind === 'site') return `${d.name ?? ''} — ${String(d.site_type ?? '').replace(/_/g, ' ')}${d.address?.city ? `, ${d.address.city}, ${d.address.state ?? ''}` : ''}`;
    if (x.kind === 'entity') return d.legal_name ?? '';
    if (x.kind === 'caller') return `at ${d.site_id ?? ''}`;
    if (x.kind === 'engagement') return `${d.principal_entity_id || 'campaign'} → ${d.agent_entity_id ?? ''}`;
    return `v${x.version}`;
  }

  private async record(kind: string, id: string): Promise<void> {
    try {
      const r = await api<any>('GET', `/api/v1/vendor/records/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`);
      const rows = Object.entries(r.data ?? {}).map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))));
      clear(this.root, h('h1', { id: 'record-title' }, `${kind} ${id}`),
        h('p', { class: 'muted' }, `version ${r.version}, valid from ${r.valid_from}; record hash ${r.record_hash}`),
        h('table', { class: 'callers kv' }, h('tbody', {}, ...rows)),
        h('p', {}, h('a', { href: '#/vendor' }, '← registry')));
    } catch (e) {
      clear(this.root, h('h1', { id: 'record-title' }, `${kind} ${id}`),
        h('p', { class: 'error', role: 'alert', id: 'record-error' }, e instanceof ApiError && e.status === 404 ? 'Not found — or not part of your organisation’s records.' : String((e as Error).message)),
        h('p', {}, h('a', { href: '#/vendor' }, '← registry')));
    }
  }
}

export class DisclosurePage {
  constructor(private root: HTMLElement) {}
  stop(): void {}

  async start(): Promise<void> {
    const list = await api<{ items: any[] }>('GET', '/api/v1/campaigns');
    const sel = h('select', { id: 'disc-campaign', onchange: () => void this.show(Number(sel.value), out) },
      ...list.items.map((c) => h('option', { value: String(c.id) }, c.name)));
    const out = h('div', { id: 'disclosure' });
    clear(this.root, h('h1', {}, 'Disclosure report'), h('p', {}, 'Who made this campaign’s calls, from where, and under what conditions.'),
      h('p', {}, h('label', { for: 'disc-campaign' }, 'Campaign '), sel), out);
    if (list.items.length) await this.show(list.items[0].id, out);
  }

  private async show(id: number, out: HTMLElement): Promise<void> {
    const r = await api<any>('GET', `/api/v1/campaigns/${id}/disclosure`);
    const payees = (r.payees ?? []).map((p: any) => h('section', { class: 'card payee' },
      h('h2', {}, `Tier ${p.tier}: ${p.payee?.legal_name ?? ''}`),
      h('p', { class: 'muted' }, `engaged by ${p.parent?.legal_name ?? ''}`, p.tier > 1 && !p.campaign_consent ? h('strong', { class: 'error' }, ' — no campaign consent to this subcontract') : null),
      h('table', { class: 'callers' }, h('thead', {}, h('tr', {}, ...['Site', 'Type', 'Where', 'Wage received by worker', 'Paid to', 'Calls', 'Refusals'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...(p.sites ?? []).map((s: any) => h('tr', { class: s.site_type === 'correctional_facility' ? 'flag' : '' },
          h('td', {}, s.name ?? s.site_id), h('td', {}, String(s.site_type ?? '').replace(/_/g, ' ')), h('td', {}, [s.city, s.state].filter(Boolean).join(', ')),
          h('td', {}, s.wage ? `${s.wage.received_by_worker_hourly} ${s.wage.currency ?? ''}/h` : '—'), h('td', {}, s.wage?.paid_to_name ?? '—'),
          h('td', {}, String(s.calls_made ?? 0)), h('td', {}, String(s.refusals ?? 0))))))));
    const refusals = (r.refusals ?? []).slice(0, 50);
    clear(out, ...payees,
      h('section', { class: 'card' }, h('h2', {}, `Refused callers (${(r.refusals ?? []).length})`),
        refusals.length ? h('ul', { id: 'refusal-list' }, ...refusals.map((x: any) => h('li', {}, `${x.at} ${x.kind}: ${x.caller_ref} at ${x.site_id} — ${x.reason}`))) : h('p', { class: 'muted' }, 'None.')));
  }
}
