// A campaign's prompts (admin page), one card each:
//  - the safe-harbor prompt: what plays when no caller is free — the
//    campaign's text and the uploaded WAV;
//  - the recording announcement: what both parties hear before a recorded
//    conversation where all-party consent is required — the campaign's
//    recording settings and the uploaded WAV.
// Each shows the WAV's facts (duration, format, SHA-256, an audio preview),
// an upload control (RIFF/WAVE 8000 Hz mono, 16-bit PCM or G.711, checked by
// the server: a refusal shows its reason and field) and Remove (the default
// plays again). Writers only upload/remove.
import { api, ApiError, Campaign, csrfToken, listCampaigns } from './api';
import { clear, h } from './dom';

function errText(e: unknown): string {
  if (e instanceof ApiError) return `${e.message}${e.field ? ` (field: ${e.field})` : ''}`;
  return String((e as Error).message ?? e);
}

// What differs between the two cards.
interface PromptKind {
  path: string;        // under /api/v1/campaigns/{id}/
  ids: string;         // element id prefix
  section: string;     // the card's id
  title: string;
  about: string;
  defaultPlays: string;
  removed: string;
}

export const SAFE_HARBOR: PromptKind = {
  path: 'safe-harbor-prompt', ids: 'prompt', section: 'safe-harbor-prompt', title: 'Safe-harbor prompt',
  about: 'Played to a callee who answers when no caller is free (within 2 s), then the call ends.',
  defaultPlays: 'Plays: the daemon’s default prompt (no WAV uploaded).',
  removed: 'Removed: the default prompt plays again.',
};

export const RECORDING_ANNOUNCEMENT: PromptKind = {
  path: 'recording-announcement', ids: 'ann', section: 'recording-announcement', title: 'Recording announcement',
  about: 'Played to both parties before a recorded conversation where all-party consent is required (and on every recorded call when the campaign says always).',
  defaultPlays: 'Plays: the configured or shipped announcement (no WAV uploaded).',
  removed: 'Removed: the configured or shipped announcement plays again.',
};

async function uploadWav(kind: PromptKind, campaign: number, file: File): Promise<any> {
  const res = await fetch(`/api/v1/campaigns/${campaign}/${kind.path}`, {
    method: 'POST', body: file, credentials: 'same-origin',
    headers: { 'Content-Type': 'audio/wav', Accept: 'application/json', 'X-CSRF-Token': csrfToken() },
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) { const e = json?.error ?? {}; throw new ApiError(res.status, e.code ?? 'error', e.message ?? `HTTP ${res.status}`, e.field ?? null); }
  return json;
}

export class PromptCard {
  private box: HTMLElement;
  private select: HTMLSelectElement;
  private current: HTMLElement;
  private result: HTMLElement;

  constructor(private kind: PromptKind, private canWrite: boolean) {
    this.box = h('section', { class: 'card', id: kind.section });
    this.select = h('select', { id: this.id('campaign') }) as HTMLSelectElement;
    this.current = h('div', { id: this.id('current'), 'aria-live': 'polite' });
    this.result = h('div', { id: this.id('result') });
  }

  private id(s: string): string { return `${this.kind.ids}-${s}`; }

  element(): HTMLElement { return this.box; }

  private form: HTMLFormElement | null = null;
  private hasCampaigns = false;

  async start(): Promise<void> {
    const items = await listCampaigns().catch(() => [] as Campaign[]);
    this.select.addEventListener('change', () => { clear(this.result); void this.show(); });
    const file = h('input', { id: this.id('file'), type: 'file', accept: '.wav,audio/wav,audio/x-wav' }) as HTMLInputElement;
    const upload = h('button', { type: 'submit', class: 'primary', id: this.id('upload') }, 'Upload WAV');
    this.form = h('form', { id: this.id('form'), onsubmit: async (e: Event) => {
      e.preventDefault();
      const f = file.files?.[0];
      if (!f) { clear(this.result, h('p', { class: 'error', role: 'alert' }, 'Choose a WAV file first.')); return; }
      try {
        const p = await uploadWav(this.kind, Number(this.select.value), f);
        clear(this.result, h('p', { class: 'ok', role: 'status', id: this.id('ok') },
          `Uploaded ${f.name}: ${(p.wav.duration_ms / 1000).toFixed(2)} s, SHA-256 ${p.wav.sha256}.`));
        file.value = '';
        this.render(p);
      } catch (ex) {
        clear(this.result, h('p', { class: 'error', role: 'alert', id: this.id('error') }, `Refused ${f.name}: ${errText(ex)}`));
      }
    } },
    h('div', { class: 'field' }, h('label', { for: this.id('file') }, 'New WAV (8000 Hz, mono, 16-bit PCM or G.711 µ-law/A-law, 0.5–60 s)'), file),
    upload) as HTMLFormElement;
    await this.setCampaigns(items);
  }

  // The campaign picker (at start, and again when a campaign is created on the
  // page): the choice is kept; the card is drawn when the first campaign comes.
  async setCampaigns(items: Campaign[]): Promise<void> {
    const keep = this.select.value;
    this.select.replaceChildren(...items.map((c) => h('option', { value: String(c.id) }, `${c.id} — ${c.name}`)));
    if (keep && items.some((c) => String(c.id) === keep)) this.select.value = keep;
    const had = this.hasCampaigns;
    this.hasCampaigns = items.length > 0;
    if (had && this.hasCampaigns) return;
    clear(this.box, h('h2', {}, this.kind.title),
      h('p', { class: 'muted' }, this.kind.about),
      items.length ? h('div', { class: 'field' }, h('label', { for: this.id('campaign') }, 'Campaign'), this.select) : h('p', {}, 'No campaigns yet.'),
      this.current, this.canWrite && items.length ? this.form : null, this.result);
    if (items.length) await this.show();
  }

  // A campaign's settings changed (the list's PATCH): reload if it is the one shown.
  async campaignChanged(id: number): Promise<void> {
    if (this.hasCampaigns && this.select.value === String(id)) await this.show();
  }

  private async show(): Promise<void> {
    try {
      this.render(await api<any>('GET', `/api/v1/campaigns/${this.select.value}/${this.kind.path}`));
    } catch (e) {
      clear(this.current, h('p', { class: 'error', role: 'alert' }, errText(e)));
    }
  }

  private render(p: any): void {
    const about = this.kind === SAFE_HARBOR
      ? [h('h3', {}, 'Text of the message'), p.text ? h('blockquote', { id: this.id('text') }, p.text)
        : h('p', { class: 'muted', id: this.id('text') }, 'No safe-harbor text set.')]
      : [h('p', { id: this.id('settings') }, `Recording: ${String(p.recording).replace(/_/g, ' ')}; announcement: ${p.recording_announcement}`
        + ' (change them in the campaign list above).')];
    if (!p.wav) {
      clear(this.current, h('p', { id: this.id('source') }, this.kind.defaultPlays), ...about);
      return;
    }
    const w = p.wav;
    const remove = h('button', { class: 'secondary small', id: this.id('remove'), onclick: async () => {
      try {
        this.render(await api<any>('DELETE', `/api/v1/campaigns/${p.campaign_id}/${this.kind.path}`));
        clear(this.result, h('p', { class: 'ok', role: 'status' }, this.kind.removed));
      } catch (ex) { clear(this.result, h('p', { class: 'error', role: 'alert' }, errText(ex))); }
    } }, 'Remove WAV (use the default)');
    clear(this.current,
      h('p', { id: this.id('source') }, 'Plays: the uploaded WAV.'),
      w.valid ? null : h('p', { class: 'error', role: 'alert' }, `This file cannot be played in full: ${w.problem}`),
      h('dl', { class: 'facts', id: this.id('facts') },
        h('dt', {}, 'Duration'), h('dd', { id: this.id('duration') }, w.duration_ms !== undefined ? `${(w.duration_ms / 1000).toFixed(2)} s` : '?'),
        h('dt', {}, 'Format'), h('dd', {}, `${w.format ?? '?'}, 8000 Hz mono, ${w.size} bytes`),
        h('dt', {}, 'SHA-256'), h('dd', { id: this.id('sha256'), class: 'mono' }, w.sha256),
        h('dt', {}, 'Uploaded'), h('dd', {}, w.uploaded_at ?? '')),
      h('audio', { controls: true, id: this.id('audio'), preload: 'metadata', src: `${w.url}?sha256=${w.sha256}`, 'aria-label': `Preview the ${this.kind.title.toLowerCase()}` }),
      ...about,
      this.canWrite ? h('p', {}, remove) : null);
  }
}
