// The REST client: JSON in and out, the CSRF token on writes, errors as ApiError.
export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string, public field: string | null) {
    super(message);
  }
}

let csrf = '';
export function setCsrf(token: string): void { csrf = token; }
export function csrfToken(): string { return csrf; }

export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const text = await res.text();
  let json: any = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!res.ok) {
    const e = json?.error ?? {};
    throw new ApiError(res.status, e.code ?? 'error', e.message ?? `HTTP ${res.status}`, e.field ?? null);
  }
  return json as T;
}

export interface User { id: number; name: string; role: string; entity_id: string }

export interface Campaign { id: number; name: string; state: string; [key: string]: any }

// Every campaign, oldest first: the list is paginated (GET /api/v1/campaigns
// answers 50 by default), so follow next_after until it is null, 500 a page
// (the server's maximum). Every campaign picker uses this.
export async function listCampaigns(): Promise<Campaign[]> {
  const out: Campaign[] = [];
  let after = 0;
  for (;;) {
    const r = await api<{ items: Campaign[]; next_after: number | null }>('GET', `/api/v1/campaigns?limit=500${after ? `&after=${after}` : ''}`);
    out.push(...r.items);
    if (r.next_after === null || r.next_after === undefined || r.next_after <= after) return out;
    after = r.next_after;
  }
}
