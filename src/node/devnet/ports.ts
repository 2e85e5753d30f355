/**
 * Free TCP ports on loopback: bind port 0, read the port the OS chose, close. Ports handed out
 * in one process are remembered so two calls never return the same one (the OS may).
 */
import { createServer } from 'node:net';

const handedOut = new Set<number>();

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => {
        if (port === 0 || handedOut.has(port)) freePort(host).then(resolve, reject);
        else {
          handedOut.add(port);
          resolve(port);
        }
      });
    });
  });
}

export async function freePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await freePort(host));
  return out;
}
