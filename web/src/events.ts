// The event stream: one WebSocket to /api/v1/events, pushed by the server.
// Reconnects with ?since=<last seq>&epoch=<epoch> so no event is lost; on
// "resync" (daemon restarted, or too far behind) or on every (re)connect, the
// page reloads its state over REST: the server's state is the authority.
// There is no client heartbeat timer (background tabs throttle timers): the
// server pings, and the browser answers pings by itself.
export interface DomainEvent { seq: number; type: string; campaign_id: string; caller_ref: string; at: string; t_us: number; data: any }

export class EventStream {
  private ws: WebSocket | null = null;
  private seq = 0;
  private epoch = '';
  private retry = 500;
  private closed = false;
  connected = false;

  constructor(private onEvent: (ev: DomainEvent) => void, private onSync: () => void, private onStatus: (up: boolean) => void) {}

  start(): void { this.open(); }
  stop(): void { this.closed = true; this.ws?.close(); }

  private open(): void {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const q = this.seq > 0 ? `?since=${this.seq}&epoch=${encodeURIComponent(this.epoch)}` : '';
    const ws = new WebSocket(`${proto}//${location.host}/api/v1/events${q}`);
    this.ws = ws;
    ws.onmessage = (m) => {
      let f: any;
      try { f = JSON.parse(String(m.data)); } catch { return; }
      if (f.type === 'hello') {
        const fresh = f.epoch !== this.epoch;
        this.epoch = f.epoch;
        if (fresh && this.seq === 0) this.seq = f.seq;
        this.connected = true;
        this.retry = 500;
        this.onStatus(true);
        this.onSync();
        return;
      }
      if (f.type === 'resync') { this.seq = f.seq; this.onSync(); return; }
      if (typeof f.seq === 'number') this.seq = f.seq;
      this.onEvent(f as DomainEvent);
    };
    ws.onclose = () => {
      this.connected = false;
      this.onStatus(false);
      if (this.closed) return;
      setTimeout(() => this.open(), this.retry);
      this.retry = Math.min(this.retry * 2, 10000);
    };
  }
}
