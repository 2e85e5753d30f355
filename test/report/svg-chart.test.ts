/**
 * The report's SVG charts: well-formed XML in every case (data, gaps, no data, hostile labels),
 * nice ticks, scales that put the extreme points on the plot's edges.
 */
import { describe, expect, it } from 'vitest';
import { escapeXml, formatNumber, niceTicks, svgBarChart, svgLineChart } from '../../src/report/index.js';
import { xmlWellFormedError } from './support/xml-check.js';

describe('niceTicks', () => {
  it('steps of 1, 2 or 5 times a power of ten inside the range', () => {
    expect(niceTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0.8, 0.9)).toEqual([0.8, 0.82, 0.84, 0.86, 0.88, 0.9]);
    expect(niceTicks(-3, 3)).toEqual([-2, 0, 2]);
    expect(niceTicks(5, 5)).toEqual([5]);
    for (const [lo, hi] of [[0, 1e9], [1e-6, 3e-6], [-50, 1234]] as const) {
      const t = niceTicks(lo, hi);
      expect(t.length).toBeGreaterThan(1);
      for (const v of t) expect(v >= lo - 1e-12 && v <= hi + 1e-12).toBe(true);
    }
  });
});

describe('svgLineChart', () => {
  const x = [0, 1, 2, 3, 4];
  it('draws a well-formed SVG with the line, the band, a reference line and the legend', () => {
    const svg = svgLineChart([{ name: 'r', color: '#7ef0c0', x, y: [0.5, 0.7, 0.9, 0.8, 0.88], band: { lo: [0.4, 0.6, 0.8, 0.7, 0.8], hi: [0.6, 0.8, 0.95, 0.9, 0.92] } }], {
      title: 'coherence',
      references: [{ y: Math.sqrt(3) / 2, label: 'z_c' }],
      id: 'c',
    });
    expect(xmlWellFormedError(svg)).toBeNull();
    expect(svg).toContain('data-chart="c"');
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('>z_c</text>');
  });

  it('breaks the line at gaps and says "no data" when there is nothing to draw', () => {
    const svg = svgLineChart([{ name: 'T', color: '#fff', x, y: [1, null, 3, Number.NaN, 5] }], { title: 't' });
    expect(xmlWellFormedError(svg)).toBeNull();
    const d = /<path d="([^"]+)" fill="none"/.exec(svg)?.[1] ?? '';
    expect(d.match(/M/g)).toHaveLength(3);
    expect(d).not.toContain('L');
    const empty = svgLineChart([{ name: 'T', color: '#fff', x: [], y: [] }], { title: 'nothing' });
    expect(xmlWellFormedError(empty)).toBeNull();
    expect(empty).toContain('no data');
  });

  it('puts the extremes on the plot edges (x exactly; y within the 5% padding)', () => {
    const svg = svgLineChart([{ name: 's', color: '#fff', x: [10, 20], y: [0, 100] }], { title: 't', width: 400, height: 200 });
    const d = /<path d="([^"]+)" fill="none"/.exec(svg)?.[1] ?? '';
    const pts = [...d.matchAll(/[ML]([-\d.]+) ([-\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(pts[0]?.[0]).toBe(60);
    expect(pts[1]?.[0]).toBe(400 - 18);
    expect(pts[0]?.[1]).toBe(200 - 38); // y = 0 sits on the x axis (no padding below zero)
    expect(pts[1]?.[1]).toBeGreaterThan(34);
  });

  it('escapes hostile titles, names and labels', () => {
    const evil = '<script>alert("x")</script> & \'';
    const svg = svgLineChart([{ name: evil, color: '#fff" onload="x', x: [0, 1], y: [1, 2] }], { title: evil, xLabel: evil, yLabel: evil, references: [{ y: 1, label: evil }] });
    expect(xmlWellFormedError(svg)).toBeNull();
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('" onload="');
  });
});

describe('svgBarChart', () => {
  it('one bar per positive value, well-formed, "no data" for none', () => {
    const svg = svgBarChart(
      [
        { label: '0', values: [100, 50] },
        { label: '1', values: [0, 70] },
      ],
      { title: 'bytes', series: [{ name: 'out', color: '#00f' }, { name: 'in', color: '#0f0' }] },
    );
    expect(xmlWellFormedError(svg)).toBeNull();
    expect(svg.match(/<rect [^>]*fill="#00f"/g)).toHaveLength(2); // one bar + the legend swatch
    expect(svg.match(/<rect [^>]*fill="#0f0"/g)).toHaveLength(3);
    expect(svgBarChart([], { title: 'x', series: [] })).toContain('no data');
  });
});

describe('escape and formatting', () => {
  it('escapes the five XML specials; formats numbers for tables', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(formatNumber(null)).toBe('–');
    expect(formatNumber(Number.NaN)).toBe('–');
    expect(formatNumber(42)).toBe('42');
    expect(formatNumber(123456)).toBe('123,456');
    expect(formatNumber(294.56)).toBe('294.6');
    expect(formatNumber(3.14159)).toBe('3.14');
    expect(formatNumber(0.000123456)).toBe('0.000123');
  });
});

describe('xml checker (the test helper itself)', () => {
  it('rejects what is not well-formed', () => {
    expect(xmlWellFormedError('<a><b></a></b>')).not.toBeNull();
    expect(xmlWellFormedError('<a x=1/>')).not.toBeNull();
    expect(xmlWellFormedError('<a x="1" x="2"/>')).not.toBeNull();
    expect(xmlWellFormedError('<a>&nbsp;</a>')).not.toBeNull();
    expect(xmlWellFormedError('<a>1 < 2</a>')).not.toBeNull();
    expect(xmlWellFormedError('<a/><b/>')).not.toBeNull();
    expect(xmlWellFormedError('<a x="1" y=\'2\'><!-- c --><b/>t &amp; &#39;</a>')).toBeNull();
  });
});
