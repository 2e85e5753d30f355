/**
 * The node's files: key files (0600, refused when readable by others, seed checks), genesis
 * files (validation, hash stability, canonical params), config files (schema, relative paths,
 * defaults that bind loopback, flags over file).
 */
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keyPairFromSeed, toHex } from '../../src/core/index.js';
import { DEVNET_PARAMS, NodeError, canonicalJson, createDevnetLayout, devnetParams, nodeGenesisRule, parseGenesis, readConfigFile, readKeyFile, resolveConfig, writeKeyFile } from '../../src/node/index.js';
import type { GenesisFile } from '../../src/node/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'thermo-files-'));
  dirs.push(d);
  return d;
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof NodeError) return err.code;
    throw err;
  }
  return 'none';
}

describe('key files', () => {
  it('writes mode 0600 and reads back the same key; refuses to overwrite', () => {
    const path = join(tmp(), 'key.json');
    const k = writeKeyFile(path, new Uint8Array(32).fill(9));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const back = readKeyFile(path);
    expect(back.publicKeyHex).toBe(k.publicKeyHex);
    expect(back.publicKeyHex).toBe(toHex(keyPairFromSeed(new Uint8Array(32).fill(9)).publicKey));
    expect(code(() => writeKeyFile(path))).toBe('NODE_BAD_KEY_FILE');
  });

  it('refuses a key file readable by group or others, malformed JSON, a bad seed, a wrong public key', () => {
    const d = tmp();
    const open = join(d, 'open.json');
    writeKeyFile(open);
    chmodSync(open, 0o644);
    expect(code(() => readKeyFile(open))).toBe('NODE_BAD_KEY_FILE');
    const cases = ['not json', '{"type":"thermo-ed25519-seed","seed":"abcd"}', '{"seed":"' + '00'.repeat(32) + '"}', `{"type":"thermo-ed25519-seed","seed":"${'00'.repeat(32)}","publicKey":"${'11'.repeat(32)}"}`];
    cases.forEach((text, i) => {
      const p = join(d, `k${i}.json`);
      writeFileSync(p, text, { mode: 0o600 });
      expect(code(() => readKeyFile(p)), text).toBe('NODE_BAD_KEY_FILE');
    });
    expect(code(() => readKeyFile(join(d, 'missing.json')))).toBe('NODE_BAD_KEY_FILE');
  });
});

describe('genesis', () => {
  const validators = [1, 2, 3, 4].map((i) => toHex(keyPairFromSeed(new Uint8Array(32).fill(i)).publicKey));
  const base: GenesisFile = { chainId: 'test-chain', engine: 'reference', epochMs: 1000, validators, devAccounts: { count: 4, balance: '100' } };

  it('parses a genesis and names it by a stable hash that covers params canonically', () => {
    const g = parseGenesis(base);
    expect(g.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(parseGenesis(structuredClone(base)).hash).toBe(g.hash);
    expect(g.validators).toHaveLength(4);
    expect(g.state.supply).toBe(400n);
    const p1 = parseGenesis({ ...base, params: { blockIntervalMs: 100, retransmitMs: 500 } });
    const p2 = parseGenesis({ ...base, params: { retransmitMs: 500, blockIntervalMs: 100 } });
    expect(p1.hash).toBe(p2.hash);
    expect(p1.hash).not.toBe(g.hash);
    expect(parseGenesis({ ...base, epochMs: 1001 }).hash).not.toBe(g.hash);
    expect(canonicalJson({ b: [1, { d: 2, c: 3 }], a: null })).toBe('{"a":null,"b":[1,{"c":3,"d":2}]}');
  });

  it('refuses unknown engines, bad params, duplicate validators, bad chain ids, bad balances, extra fields', () => {
    expect(code(() => parseGenesis({ ...base, engine: 'nope' }))).toBe('NODE_BAD_GENESIS');
    expect(code(() => parseGenesis({ ...base, params: { blockIntervalMs: -1 } }))).toBe('NODE_BAD_GENESIS');
    expect(code(() => parseGenesis({ ...base, validators: [validators[0]!, validators[0]!] }))).toBe('NODE_BAD_GENESIS');
    expect(code(() => parseGenesis({ ...base, chainId: 'has space' }))).toBe('NODE_BAD_GENESIS');
    expect(code(() => parseGenesis({ ...base, accounts: [{ address: validators[0]!, balance: '99999999999999999999' }] }))).toBe('NODE_BAD_GENESIS');
    expect(code(() => parseGenesis({ ...base, extra: 1 }))).toBe('NODE_BAD_GENESIS');
    expect(code(() => parseGenesis({ ...base, validators: [] }))).toBe('NODE_BAD_GENESIS');
    expect(code(() => parseGenesis('not an object'))).toBe('NODE_BAD_GENESIS');
  });

  it('refuses a coherence genesis that leaves the proof-of-work hash check off (hashScaleLog2 absent or 256)', () => {
    const coh = { ...base, engine: 'coherence' };
    expect(code(() => parseGenesis(coh))).toBe('NODE_BAD_GENESIS');
    expect(code(() => parseGenesis({ ...coh, params: { confirmations: 3 } }))).toBe('NODE_BAD_GENESIS');
    expect(code(() => parseGenesis({ ...coh, params: { hashScaleLog2: 256 } }))).toBe('NODE_BAD_GENESIS');
    expect(parseGenesis({ ...coh, params: { hashScaleLog2: 0 } }).file.engine).toBe('coherence');
    expect(parseGenesis({ ...coh, params: { hashScaleLog2: 255 } }).file.engine).toBe('coherence');
    expect(nodeGenesisRule('reference', null)).toBeNull();
  });

  it('devnet params: the coherence devnet runs real proof of work, caller params merge over the devnet defaults', () => {
    const d = devnetParams('coherence', undefined) as Record<string, unknown>;
    expect(d['hashScaleLog2']).toBe(0);
    expect(parseGenesis({ ...base, engine: 'coherence', params: d }).file.engine).toBe('coherence');
    const merged = devnetParams('coherence', { confirmations: 3 }) as Record<string, unknown>;
    expect(merged['hashScaleLog2']).toBe(0);
    expect(merged['confirmations']).toBe(3);
    expect(devnetParams('pbft', { batchIntervalMs: 5 })).toEqual({ viewChangeTimeoutMs: 4000, batchIntervalMs: 5 });
    expect(devnetParams('pbft', undefined)).toEqual({ viewChangeTimeoutMs: 4000, batchIntervalMs: 150 });
    expect(devnetParams('negentropy', undefined)).toBeUndefined();
    expect(devnetParams('negentropy', { k: 5 })).toEqual({ k: 5 });
    // Every devnet default is accepted by its engine.
    for (const [engine, params] of Object.entries(DEVNET_PARAMS)) expect(parseGenesis({ ...base, engine, params }).file.engine).toBe(engine);
    expect(devnetParams('reference', { keepFinalBlocks: 32 })).toEqual({ keepFinalBlocks: 32 });
  });

  it('devnet configs: engine broadcasts go direct by default, gossip when asked; the node default stays gossip', async () => {
    const direct = await createDevnetLayout({ dir: join(tmp(), 'dn'), nodes: 2, engine: 'hotstuff', basePort: 41000 });
    for (const n of direct.nodes) {
      const c = resolveConfig(readConfigFile(n.configPath), {});
      expect(c.net.broadcast).toBe('direct');
      expect(c.bootstrap).toHaveLength(1); // every devnet node dials every other: direct reaches all
    }
    const gossip = await createDevnetLayout({ dir: join(tmp(), 'dn'), nodes: 2, engine: 'hotstuff', basePort: 41000, broadcast: 'gossip' });
    expect(resolveConfig(readConfigFile(gossip.nodes[0]!.configPath), {}).net.broadcast).toBe('gossip');
    // A caller's node config still wins over the generated one.
    const over = await createDevnetLayout({ dir: join(tmp(), 'dn'), nodes: 2, engine: 'hotstuff', basePort: 41000, nodeConfig: { net: { broadcast: 'gossip', txGossip: true } } });
    const oc = resolveConfig(readConfigFile(over.nodes[1]!.configPath), {});
    expect([oc.net.broadcast, oc.net.txGossip]).toEqual(['gossip', true]);
    const plain = join(tmp(), 'node.json');
    writeFileSync(plain, JSON.stringify({ genesis: 'g.json', dataDir: 'data' }));
    expect(resolveConfig(readConfigFile(plain), {}).net.broadcast).toBe('gossip');
  });
});

describe('config', () => {
  it('resolves relative paths against the file, fills defaults (API on 127.0.0.1), flags win', () => {
    const d = tmp();
    const path = join(d, 'node.json');
    writeFileSync(path, JSON.stringify({ genesis: 'g.json', key: 'k.json', dataDir: 'data', api: { port: 9000 }, log: { file: 'n.log' } }));
    const file = readConfigFile(path);
    expect(file.genesis).toBe(join(d, 'g.json'));
    expect(file.log?.file).toBe(join(d, 'n.log'));
    const c = resolveConfig(file, { api: { port: 9100 } });
    expect(c.api.host).toBe('127.0.0.1');
    expect(c.api.port).toBe(9100);
    expect(c.dataDir).toBe(join(d, 'data'));
    expect(c.store.deepCheck).toBe(true);
    expect(c.listen).toEqual(['/ip4/127.0.0.1/tcp/0']);
  });

  it('refuses unknown fields, wrong types and a missing genesis with NODE_BAD_CONFIG', () => {
    const d = tmp();
    const bad = (obj: unknown): string => {
      const p = join(d, `c${Math.random()}.json`);
      writeFileSync(p, JSON.stringify(obj));
      return code(() => readConfigFile(p));
    };
    expect(bad({ genesis: 'g', bogus: 1 })).toBe('NODE_BAD_CONFIG');
    expect(bad({ genesis: 'g', api: { port: 'x' } })).toBe('NODE_BAD_CONFIG');
    expect(bad({ genesis: 'g', api: { port: 70000 } })).toBe('NODE_BAD_CONFIG');
    expect(bad({ genesis: 'g', net: { broadcast: 'smoke' } })).toBe('NODE_BAD_CONFIG');
    const p = join(d, 'bad.json');
    writeFileSync(p, '{');
    expect(code(() => readConfigFile(p))).toBe('NODE_BAD_CONFIG');
    expect(code(() => resolveConfig({}, {}))).toBe('NODE_BAD_CONFIG');
  });
});
