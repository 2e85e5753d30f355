/** The test-only fault gate (src/node/net/fault-gate.ts): parsing, polling, and the close callback. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAULT_GATE_ENV, FaultGate, parseFaultGate } from '../../src/node/net/fault-gate.js';

const dir = mkdtempSync(join(tmpdir(), 'thermo-gate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fault gate', () => {
  it('is off unless the environment names a file', () => {
    expect(FaultGate.fromEnv({})).toBeNull();
    expect(FaultGate.fromEnv({ [FAULT_GATE_ENV]: '' })).toBeNull();
    expect(FaultGate.fromEnv({ [FAULT_GATE_ENV]: join(dir, 'x.json') })).toBeInstanceOf(FaultGate);
  });

  it('parses isolate and block lists; anything malformed is an open gate', () => {
    expect(parseFaultGate('{"isolate": true}').isolate).toBe(true);
    expect([...parseFaultGate('{"block": ["a", 3, "b"]}').block]).toEqual(['a', 'b']);
    for (const bad of ['', 'nope', '[]', 'null', '{"isolate": "yes"}']) {
      const s = parseFaultGate(bad);
      expect(s.isolate).toBe(false);
      expect(s.block.size).toBe(0);
    }
  });

  it('follows its file and calls back only when it refuses more than before', () => {
    const file = join(dir, 'gate.json');
    const gate = new FaultGate(file);
    let closed = 0;
    gate.start(() => closed++);
    try {
      expect(gate.blocks('p1')).toBe(false); // missing file: open
      writeFileSync(file, '{"block": ["p1"]}');
      gate.poll();
      expect([gate.blocks('p1'), gate.blocks('p2'), closed]).toEqual([true, false, 1]);
      writeFileSync(file, '{"isolate": true}');
      gate.poll();
      expect([gate.blocks('p1'), gate.blocks('p2'), closed]).toEqual([true, true, 2]);
      gate.poll(); // unchanged file: nothing happens
      expect(closed).toBe(2);
      writeFileSync(file, '{}');
      gate.poll();
      expect([gate.blocks('p1'), gate.blocks('p2'), closed]).toEqual([false, false, 2]);
    } finally {
      gate.stop();
    }
  });
});
