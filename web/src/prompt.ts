// The campaign's safe-harbor prompt (admin page): what plays when no caller is
// free — the campaign's text and the uploaded WAV (duration, format, SHA-256,
// an audio preview), an upload control (RIFF/WAVE 8000 Hz mono, 16-bit PCM or
// G.711, checked by the server: a refusal shows its reason and field) and
// Remove (the daemon's default prompt plays again). Writers only upload/remove.
import { api, ApiError, csrfToken } from './api';
import { clear, h } from './dom';

function errText(e: unknown): string {
  if (e instanceof ApiError) return `${e.message}${e.field ? ` (field: ${e.field})` : ''}`;
  return String((e as Error).message ?? e);
}

async function uploadWav(campaign: number, file: File): Promise<any> {
  const res = await fetch(`/api/v1/campaigns/${campaign}/safe-harbor-prompt`, {
    method: 'POST', body: file, credentials: 'same-origin',
    headers: { 'Content-Type': 'audio/wav', Accept: 'application/json', 'X-CSRF-Token': csrfToken() },
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) { const e = json?.error ?? {}; throw new ApiError(res.status, e.code ?? 'error', e.message ?? `HTTP ${res.status}`, e.field ?? null); }
  return json;
}

export class SafeHarborPrompt {
  private box = h('section', { class: 'card', id: 'safe-harbor-prompt' });
  private select = h('select', { id: 'prompt-campaign' }) as HTMLSelectElement;
  private current = h('div', { id: 'prompt-current', 'aria-live': 'polite' });
  private result = h('div', { id: 'prompt-result' });

  constructor(private canWrite: boolean) {}

  element(): HTMLElement { return this.box; }

  async start(): Promise<void> {
    const r = await api<{ items: any[] }>('GET', '/api/v1/campaigns?limit=200').catch(() => ({ items: [] as any[] }));
    for (const c of r.items) this.select.append(h('option', { value: String(c.id) }, `${c.id} — ${c.name}`));
    this.select.addEventListener('change', () => { clear(this.result); void this.show(); });
    const file = h('input', { id: 'prompt-file', type: 'file', accept: '.wav,audio/wav,audio/x-wav' }) as HTMLInputElement;
    const upload = h('button', { type: 'submit', class: 'primary', id: 'prompt-upload' }, 'Upload WAV');
    const form = h('form', { id: 'prompt-form', onsubmit: async (e: Event) => {
      e.preventDefault();
      const f = file.files?.[0];
      if (!f) { clear(this.result, h('p', { class: 'error', role: 'alert' }, 'Choose a WAV file first.')); return; }
      try {
        const p = await uploadWav(Number(this.select.value), f);
        clear(this.result, h('p', { class: 'ok', role: 'status', id: 'prompt-ok' },
          `Uploaded ${f.name}: ${(p.wav.duration_ms / 1000).toFixed(2)} s, SHA-256 ${p.wav.sha256}.`));
        file.value = '';
        this.render(p);
      } catch (ex) {
        clear(this.result, h('p', { class: 'error', role: 'alert', id: 'prompt-error' }, `Refused ${f.name}: ${errText(ex)}`));
      }
    } },
    h('div', { class: 'field' }, h('label', { for: 'prompt-file' }, 'New prompt (WAV: 8000 Hz, mono, 16-bit PCM or G.711 µ-law/A-law, 0.5–60 s)'), file),
    upload);
    clear(this.box, h('h2', {}, 'Safe-harbor prompt'),
      h('p', { class: 'muted' }, 'Played to a callee who answers when no caller is free (within 2 s), then the call ends.'),
      r.items.length ? h('div', { class: 'field' }, h('label', { for: 'prompt-campaign' }, 'Campaign'), this.select) : h('p', {}, 'No campaigns yet.'),
      this.current, this.canWrite && r.items.length ? form : null, this.result);
    if (r.items.length) await this.show();
  }

  private async show(): Promise<void> {
    try {
      this.render(await api<any>('GET', `/api/v1/campaigns/${this.select.value}/safe-harbor-prompt`));
    } catch (e) {
      clear(this.current, h('p', { class: 'error', role: 'alert' }, errText(e)));
    }
  }

  private render(p: any): void {
    const text = p.text ? h('blockquote', { id: 'prompt-text' }, p.text) : h('p', { class: 'muted', id: 'prompt-text' }, 'No safe-harbor text set.');
    if (!p.wav) {
      clear(this.current, h('p', { id: 'prompt-source' }, 'Plays: the daemon’s default prompt (no WAV uploaded).'),
        h('h3', {}, 'Text of the message'), text);
      return;
    }
    const w = p.wav;
    const remove = h('button', { class: 'secondary small', id: 'prompt-remove', onclick: async () => {
      try {
        this.render(await api<any>('DELETE', `/api/v1/campaigns/${p.campaign_id}/safe-harbor-prompt`));
        clear(this.result, h('p', { class: 'ok', role: 'status' }, 'Removed: the default prompt plays again.'));
      } catch (ex) { clear(this.result, h('p', { class: 'error', role: 'alert' }, errText(ex))); }
    } }, 'Remove WAV (use the default)');
    clear(this.current,
      h('p', { id: 'prompt-source' }, 'Plays: the uploaded WAV.'),
      w.valid ? null : h('p', { class: 'error', role: 'alert' }, `This file cannot be played in full: ${w.problem}`),
      h('dl', { class: 'facts', id: 'prompt-facts' },
        h('dt', {}, 'Duration'), h('dd', { id: 'prompt-duration' }, w.duration_ms !== undefined ? `${(w.duration_ms / 1000).toFixed(2)} s` : '?'),
        h('dt', {}, 'Format'), h('dd', {}, `${w.format ?? '?'}, 8000 Hz mono, ${w.size} bytes`),
        h('dt', {}, 'SHA-256'), h('dd', { id: 'prompt-sha256', class: 'mono' }, w.sha256),
        h('dt', {}, 'Uploaded'), h('dd', {}, w.uploaded_at ?? '')),
      h('audio', { controls: true, id: 'prompt-audio', preload: 'metadata', src: `${w.url}?sha256=${w.sha256}`, 'aria-label': 'Preview the safe-harbor prompt' }),
      h('h3', {}, 'Text of the message'), text,
      this.canWrite ? h('p', {}, remove) : null);
  }
}
