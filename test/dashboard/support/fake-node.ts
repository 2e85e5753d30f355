/**
 * A small stand-in for a node's HTTP API (the routes the dashboard reads, with the shapes of
 * src/node/api/server.ts, plus the routes the dashboard proposes: /dag, /epoch, /reports) and the
 * dashboard's static files. It advances a fake chain on a timer and pushes `finalized` and
 * `status` events. Used for the panels a real devnet cannot show yet and for the memory soak;
 * the main browser test runs against a real devnet.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';

export interface FakeNodeOptions {
  readonly engine: string;
  readonly dashboardDir: string;
  /** Folder of report folders served under /reports/ (GET /reports lists them); none: 404. */
  readonly reportsDir?: string;
  /** One block per this many ms. */
  readonly blockMs?: number;
}

const TYPES: Readonly<Record<string, string>> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

export class FakeNode {
  private server: Server | null = null;
  private readonly streams = new Set<ServerResponse>();
  private timer: ReturnType<typeof setInterval> | null = null;
  height = 0;
  bytesIn = 0;
  bytesOut = 0;
  private epoch = 0;
  private readonly vertices: { id: string; author: number; height: number; parents: string[]; status: string; preferred: boolean; final: boolean }[] = [];
  port = 0;

  constructor(private readonly o: FakeNodeOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  telemetry(): Record<string, number> {
    const h = this.height;
    switch (this.o.engine) {
      case 'coherence':
        return { headHeight: h, finalizedHeight: Math.max(0, h - 6), coherenceR: 0.87 + 0.05 * Math.sin(h / 3), difficultyLog2: 12 + Math.sin(h / 10), mempool: (h * 7) % 40 };
      case 'negentropy':
        return { temperature: 0.2 + 0.8 * Math.exp(-h / 30) + 0.05 * Math.sin(h), open: h % 5, dagVertices: this.vertices.length, dagHeight: h, acceptedVertices: h * 4, rejectedVertices: 1, superBlock: Math.floor(h / 10) };
      case 'thermotruth':
        return { temperature: 0.05 + 0.04 * Math.sin(h / 4), difficulty: 16 + (h % 3), mempool: h % 9 };
      default:
        return { mempool: h % 11, pending: 0 };
    }
  }

  async start(port = 0): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, '127.0.0.1', () => ok());
    });
    const addr = server.address();
    this.port = typeof addr === 'object' && addr !== null ? addr.port : port;
    this.server = server;
    this.timer = setInterval(() => this.advance(), this.o.blockMs ?? 300);
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    for (const s of this.streams) s.destroy();
    this.streams.clear();
    const server = this.server;
    this.server = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
  }

  private advance(): void {
    this.height++;
    this.bytesIn += 20_000 + (this.height % 7) * 1000;
    this.bytesOut += 30_000;
    const txIds = Array.from({ length: 5 + (this.height % 4) }, (_v, i) => `${this.height}-${i}`);
    this.send('finalized', { seq: this.height - 1, slot: String(this.height), value: `${this.height.toString(16).padStart(8, '0')}${'ab'.repeat(28)}`, height: this.height, stateRoot: null, supply: null, minted: null, txIds });
    if (this.o.engine === 'negentropy') {
      for (let a = 0; a < 4; a++) {
        const prev = this.vertices.filter((v) => v.height === this.height - 1).map((v) => v.id);
        this.vertices.push({ id: `v${this.height}-${a}`, author: a, height: this.height, parents: prev.slice(0, 2), status: 'pending', preferred: a === 0, final: false });
      }
      for (const v of this.vertices) {
        if (v.height <= this.height - 2) v.status = v.author === 3 && v.height % 9 === 0 ? 'rejected' : 'accepted';
        if (v.height <= this.height - 4 && v.status === 'accepted') v.final = true;
      }
      while (this.vertices.length > 64) this.vertices.shift();
    }
    if (this.height % 3 === 0) this.epoch++;
  }

  private send(event: string, data: unknown): void {
    const text = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const s of this.streams) s.write(text);
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const h = this.height;
    switch (path) {
      case '/status':
        return this.json(res, 200, { chainId: 'thermo-fake', engine: this.o.engine, genesisHash: '00'.repeat(32), validator: 0, publicKey: '11'.repeat(32), peerId: '12D3KooWFakeFakeFakeFakeFakeFake', addresses: [], height: h, finalized: h, stateRoot: 'aa'.repeat(32), peers: 3, validatorPeers: 3, queue: 0, pendingSubmissions: 0, uptimeSeconds: h, ready: true });
      case '/telemetry':
        return this.json(res, 200, { engine: this.o.engine, height: h, finalized: h, telemetry: this.telemetry(), gauges: { height: h }, lastFinalizedAt: Date.now() });
      case '/peers':
        return this.json(res, 200, { peers: [1, 2, 3].map((i) => ({ peerId: `12D3KooWPeer${i}xxxxxxxxxxxxxxxx`, validator: i, addresses: [`/ip4/127.0.0.1/tcp/${40000 + i}`], score: i === 3 ? -12.5 : 0, verified: true })) });
      case '/metrics':
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(`# HELP thermo_net_bytes_in_total Bytes received\n# TYPE thermo_net_bytes_in_total counter\nthermo_net_bytes_in_total ${this.bytesIn}\nthermo_net_bytes_out_total ${this.bytesOut}\nthermo_tx_ack_seconds_sum ${h * 0.004}\nthermo_tx_ack_seconds_count ${h}\n`);
        return;
      case '/events':
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
        res.write(': fake\nretry: 2000\n\n');
        this.streams.add(res);
        res.on('close', () => this.streams.delete(res));
        return;
      case '/dag':
        if (this.o.engine !== 'negentropy') return this.json(res, 404, { error: { code: 'NOT_FOUND', message: 'no dag' } });
        return this.json(res, 200, { vertices: this.vertices.slice(-48) });
      case '/epoch': {
        if (this.o.engine !== 'thermotruth') return this.json(res, 404, { error: { code: 'NOT_FOUND', message: 'no epoch' } });
        const proposals = [0, 1, 2, 3, 4].map((p) => ({ proposer: p, vector: [10 + p * 0.3 + (p === 4 ? 8 : 0), 5 - p * 0.1, 1], weight: p === 4 ? 0 : 0.25, distance: p === 4 ? 8.1 : 0.3 * p, flagged: p === 4 }));
        return this.json(res, 200, { epoch: this.epoch, leader: this.epoch % 5, temperature: 0.06, difficulty: 16, aggregate: [10.45, 4.85, 1], proposals });
      }
      case '/reports':
        if (this.o.reportsDir === undefined) return this.json(res, 404, { error: { code: 'NOT_FOUND', message: 'no route GET /reports' } });
        return this.json(res, 200, { reports: this.listReports() });
      default:
        break;
    }
    if (path.startsWith('/reports/') && this.o.reportsDir !== undefined) return this.file(res, this.o.reportsDir, path.slice('/reports'.length));
    return this.file(res, this.o.dashboardDir, path);
  }

  private listReports(): unknown[] {
    const dir = this.o.reportsDir;
    if (dir === undefined || !existsSync(dir)) return [];
    const out: unknown[] = [];
    for (const name of readFileSync(join(dir, 'names.txt'), 'utf8').split('\n').filter((n) => n !== '')) {
      out.push({ name, ...(JSON.parse(readFileSync(join(dir, name, 'report.json'), 'utf8')) as Record<string, unknown>) });
    }
    return out;
  }

  private file(res: ServerResponse, dir: string, urlPath: string): void {
    const root = resolve(dir);
    let path = resolve(root, `.${normalize(`/${decodeURIComponent(urlPath)}`)}`);
    if (path !== root && !path.startsWith(root + sep)) return this.json(res, 404, {});
    try {
      if (statSync(path).isDirectory()) path = join(path, 'index.html');
      const body = readFileSync(path);
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      this.json(res, 404, { error: { code: 'NOT_FOUND', message: `no ${urlPath}` } });
    }
  }
}
