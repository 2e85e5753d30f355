/**
 * Naming of V8 profile call frames for the profiling diagnostics: the package or source file a
 * frame belongs to, a readable label, and a printer of "share  name" tables.
 */

export interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

/** node_modules/<pkg> as npm:<pkg>, src/<path>, node:<module>, or V8's own (idle, GC, ...). */
export function frameCategory(f: CallFrame): string {
  if (f.url === '') return f.functionName.startsWith('(') ? f.functionName : '(native)';
  const nm = f.url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = f.url.slice(nm + 'node_modules/'.length).split('/');
    return `npm:${rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const src = f.url.indexOf('/src/');
  if (src >= 0) return f.url.slice(src + 1);
  const bench = f.url.indexOf('/bench/');
  if (bench >= 0) return f.url.slice(bench + 1);
  if (f.url.startsWith('node:')) return f.url.replace(/^node:internal\//, 'node:');
  return f.url;
}

export function frameLabel(f: CallFrame): string {
  return `${f.functionName || '(anonymous)'} ${frameCategory(f)}`;
}

export function addTo(m: Map<string, number>, k: string, v: number): void {
  m.set(k, (m.get(k) ?? 0) + v);
}

/** Prints the `top` largest entries of `m` as percentages of `total`. */
export function printShares(title: string, m: ReadonlyMap<string, number>, total: number, top: number): void {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((v / total) * 100).toFixed(1).padStart(6)} %  ${k}`);
}
