import fs from 'node:fs';
import path from 'node:path';
import type { Bucket } from './stats';

/** A hand-written SVG of a run: task completions per second (top) and their latency (bottom, log scale), phases shaded. */

const W = 960;
const H = 660;
const left = 70;
const right = 24;
const plotW = W - left - right;
const top1 = 110;
const h1 = 190;
const top2 = 360;
const h2 = 200;
const colors = { product: '#1f77b4', ceiling: '#e6730f' } as const;
const shades = { product: '#e8f1fa', ceiling: '#fdf0e3' } as const;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1).replace(/\.0$/, '') : x.toFixed(2).replace(/\.?0+$/, ''));

function niceMax(x: number): number {
  if (x <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

export function renderChart(input: {
  title: string;
  summary: Record<string, unknown>;
  machine: { nproc: number; cpuModel: string; memTotalGiB: number; node: string };
  series: Bucket[];
  phases: { name: string; kind: 'product' | 'ceiling'; startSec: number; durationSec: number }[];
}): string {
  const { series, phases, summary: s, machine } = input;
  const t0 = Math.min(...phases.map((p) => p.startSec));
  const t1 = Math.max(...phases.map((p) => p.startSec + p.durationSec));
  const span = Math.max(1, t1 - t0);
  const x = (t: number) => left + ((t - t0) / span) * plotW;
  const kindOf = new Map(phases.map((p) => [p.name, p.kind]));

  const maxRate = niceMax(Math.max(1, ...series.map((b) => b.tasksPerSec)));
  const y1 = (v: number) => top1 + h1 - (v / maxRate) * h1;
  const lat = series.flatMap((b) => [b.taskP50Ms, b.taskP99Ms]).filter((v): v is number => v !== null && v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(...lat, 10))));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...lat, lo * 10)));
  const y2 = (v: number) => top2 + h2 - ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * h2;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${left}" y="24" font-size="16" font-weight="bold">${esc(input.title)}</text>`);
  out.push(
    `<text x="${left}" y="44">${esc(
      `product ${s.tasksPerSec} tasks/s vs ceiling ${s.ceilingTasksPerSec} Updates/s: ratio ${s.ratio}; API p50 ${s.apiP50Ms} ms, p99 ${s.apiP99Ms} ms; ` +
        `${s.casesStartedPerSec} cases/s; worker peak RSS ${s.workerPeakRssMb} MiB`,
    )}</text>`,
  );
  out.push(
    `<text x="${left}" y="62" fill="#555">${esc(
      `${s.cases} cases (ceiling ${s.ceilingCases}) x ${s.reps} reps, concurrency ${s.concurrency}; ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memTotalGiB} GiB, Node ${machine.node}; medians over reps`,
    )}</text>`,
  );

  // Phase shading and labels, across both panels.
  for (const p of phases) {
    const a = x(p.startSec);
    const b = x(p.startSec + p.durationSec);
    for (const [top, h] of [[top1, h1], [top2, h2]]) out.push(`<rect x="${a.toFixed(1)}" y="${top}" width="${Math.max(0.5, b - a).toFixed(1)}" height="${h}" fill="${shades[p.kind]}"/>`);
    out.push(`<text x="${((a + b) / 2).toFixed(1)}" y="${top1 - 6}" text-anchor="middle" font-size="10" fill="${colors[p.kind]}">${esc(p.name.replace(/^rep /, 'r'))}</text>`);
  }

  // Axes and grid.
  const axis = (top: number, h: number, ticks: { v: number; y: number }[], label: string) => {
    for (const t of ticks) {
      out.push(`<line x1="${left}" x2="${left + plotW}" y1="${t.y.toFixed(1)}" y2="${t.y.toFixed(1)}" stroke="#ddd"/>`);
      out.push(`<text x="${left - 6}" y="${(t.y + 4).toFixed(1)}" text-anchor="end">${fmt(t.v)}</text>`);
    }
    out.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${h}" fill="none" stroke="#888"/>`);
    out.push(`<text transform="translate(16 ${top + h / 2}) rotate(-90)" text-anchor="middle">${esc(label)}</text>`);
  };
  axis(top1, h1, [0, 0.25, 0.5, 0.75, 1].map((f) => ({ v: f * maxRate, y: y1(f * maxRate) })), 'completions / s');
  const decades: { v: number; y: number }[] = [];
  for (let v = lo; v <= hi * 1.0001; v *= 10) decades.push({ v, y: y2(v) });
  axis(top2, h2, decades, 'completion latency ms (log)');
  const step = niceMax(span / 10);
  for (let t = 0; t <= span + 1e-9; t += step) {
    const px = x(t0 + t).toFixed(1);
    out.push(`<line x1="${px}" x2="${px}" y1="${top2 + h2}" y2="${top2 + h2 + 4}" stroke="#888"/>`);
    out.push(`<text x="${px}" y="${top2 + h2 + 18}" text-anchor="middle">${fmt(t)}</text>`);
  }
  out.push(`<text x="${left + plotW / 2}" y="${top2 + h2 + 36}" text-anchor="middle">seconds into the measured phases</text>`);

  // One polyline per phase and metric, points at bucket centres.
  const line = (points: [number, number][], color: string, dash = '') =>
    points.length
      ? `<polyline fill="none" stroke="${color}" stroke-width="1.8"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}"/>`
      : '';
  for (const p of phases) {
    const bs = series.filter((b) => b.phase === p.name);
    const color = colors[kindOf.get(p.name) ?? 'product'];
    const mid = (b: Bucket, i: number) => (i + 1 < bs.length ? (b.t + bs[i + 1].t) / 2 : b.t + Math.min(0.5, (p.startSec + p.durationSec - b.t) / 2));
    out.push(line(bs.map((b, i) => [x(mid(b, i)), y1(b.tasksPerSec)]), color));
    out.push(line(bs.flatMap((b, i) => (b.taskP50Ms === null ? [] : [[x(mid(b, i)), y2(b.taskP50Ms)] as [number, number]])), color));
    out.push(line(bs.flatMap((b, i) => (b.taskP99Ms === null ? [] : [[x(mid(b, i)), y2(b.taskP99Ms)] as [number, number]])), color, '5 3'));
  }

  // Legend: two rows under the time axis.
  const legend: [number, number, string, string, string][] = [
    [left, H - 40, colors.product, '', 'product: tasks/s; latency of POST /api/tasks/:id/complete'],
    [left + 420, H - 40, colors.ceiling, '', 'ceiling: Updates/s on a bare workflow; Update latency'],
    [left, H - 18, '#333', '', 'p50 of the second'],
    [left + 420, H - 18, '#333', '5 3', 'p99 of the second'],
  ];
  for (const [lx, ly, color, dash, text] of legend) {
    out.push(`<line x1="${lx}" x2="${lx + 24}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    out.push(`<text x="${lx + 30}" y="${ly}">${esc(text)}</text>`);
  }
  out.push('</svg>');
  return out.filter(Boolean).join('\n') + '\n';
}

// `npx tsx bench/chart.ts bench/results/<run>.json ...` redraws a run's SVG from its results file.
if (require.main === module) {
  for (const file of process.argv.slice(2)) {
    const results = JSON.parse(fs.readFileSync(file, 'utf8'));
    const runId = path.basename(file, '.json');
    const svg = file.replace(/\.json$/, '.svg');
    fs.writeFileSync(svg, renderChart({ title: `AssistFlow bench ${runId}`, summary: results.summary, machine: results.machine, series: results.series, phases: results.phases }));
    process.stdout.write(`${svg}\n`);
  }
}
