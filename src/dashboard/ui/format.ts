/** Number, byte, rate and age formatting for the panels ("–" for unknown). */

export const DASH = '–';

export function num(v: number | null | undefined, digits?: number): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  if (digits !== undefined) return v.toFixed(digits);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

export function bytes(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(2)} GB`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)} MB`;
  if (a >= 1e3) return `${(v / 1e3).toFixed(1)} kB`;
  return `${v.toFixed(0)} B`;
}

/** Bytes in at most 5 characters for axis ticks: 950, 12k, 1.5M. */
export function bytesShort(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return String(+v.toFixed(0));
}

/** "3 s ago", "2 min ago", or the time of day for older moments. */
export function ago(thenMs: number | null, nowMs: number): string {
  if (thenMs === null) return 'never';
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return new Date(thenMs).toLocaleTimeString();
}

export function shortId(id: string, keep = 10): string {
  return id.length <= keep + 2 ? id : `${id.slice(0, keep)}…`;
}

export function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour12: false });
}
