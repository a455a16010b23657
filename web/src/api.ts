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
