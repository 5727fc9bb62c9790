/**
 * The run's SVG chart: per shape, each contender's throughput and CPU per
 * request relative to the raw baseline (median bar, min–max whisker).
 */
import type { ContenderSpec } from './contenders.js';
import type { Shape } from './shapes.js';
import type { Spread } from './stats.js';
import type { CellSummary } from './summarize.js';

const COLOURS = ['#2b6cb0', '#718096', '#c05621', '#2f855a', '#6b46c1', '#b83280'];

export function renderChart(
  summaries: readonly CellSummary[],
  contenders: readonly ContenderSpec[],
  shapes: readonly Shape[],
): string {
  const width = 900;
  const panelHeight = 260;
  const top = 40;
  const parts: string[] = [];
  const panels: { title: string; pick: (s: CellSummary) => Spread | null }[] = [
    { title: 'Throughput ÷ raw baseline (higher is better)', pick: (s) => s.throughputVsRaw },
    { title: 'CPU µs per request ÷ raw baseline (lower is better)', pick: (s) => s.cpuVsRaw },
  ];
  const height = top + panels.length * (panelHeight + 70) + 30;
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  );
  // Legend.
  contenders.forEach((c, i) => {
    const x = 60 + i * 150;
    parts.push(
      `<rect x="${x}" y="12" width="12" height="12" fill="${COLOURS[i % COLOURS.length]}"/>`,
      `<text x="${x + 16}" y="22">${escape(c.name)}</text>`,
    );
  });

  panels.forEach((panel, p) => {
    const y0 = top + p * (panelHeight + 70);
    const left = 60;
    const plotWidth = width - left - 20;
    const values = summaries.flatMap((s) => {
      const v = panel.pick(s);
      return v ? [v.max] : [];
    });
    const maxValue = Math.min(4, Math.max(1.2, ...values) * 1.05);
    const yOf = (v: number) =>
      y0 + 20 + panelHeight - (Math.min(v, maxValue) / maxValue) * panelHeight;
    parts.push(`<text x="${left}" y="${y0 + 12}" font-weight="bold">${escape(panel.title)}</text>`);
    for (let tick = 0; tick <= maxValue; tick += maxValue > 2 ? 0.5 : 0.25) {
      const y = yOf(tick);
      parts.push(
        `<line x1="${left}" x2="${left + plotWidth}" y1="${y}" y2="${y}" stroke="${tick === 1 ? '#000' : '#e2e8f0'}" stroke-width="${tick === 1 ? 1.5 : 1}"/>`,
        `<text x="${left - 6}" y="${y + 4}" text-anchor="end">${tick.toFixed(2)}</text>`,
      );
    }
    const groupWidth = plotWidth / shapes.length;
    const barWidth = Math.min(28, (groupWidth - 20) / Math.max(1, contenders.length));
    shapes.forEach((shape, g) => {
      const gx = left + g * groupWidth + (groupWidth - barWidth * contenders.length) / 2;
      contenders.forEach((c, i) => {
        const s = summaries.find((x) => x.shape === shape.name && x.contender === c.name);
        const v = s && panel.pick(s);
        if (!v || v.n === 0) return;
        const x = gx + i * barWidth;
        const y = yOf(v.median);
        const colour = COLOURS[i % COLOURS.length];
        parts.push(
          `<rect x="${x + 2}" y="${y}" width="${barWidth - 4}" height="${yOf(0) - y}" fill="${colour}"><title>${escape(`${c.name} ${shape.name}: ${v.median.toFixed(2)} (${v.min.toFixed(2)}–${v.max.toFixed(2)})`)}</title></rect>`,
          `<line x1="${x + barWidth / 2}" x2="${x + barWidth / 2}" y1="${yOf(v.min)}" y2="${yOf(v.max)}" stroke="#1a202c"/>`,
        );
        if (v.median > maxValue) {
          parts.push(
            `<text x="${x + barWidth / 2}" y="${y - 4}" text-anchor="middle" font-size="10">${v.median.toFixed(1)}</text>`,
          );
        }
      });
      parts.push(
        `<text x="${left + g * groupWidth + groupWidth / 2}" y="${yOf(0) + 16}" text-anchor="middle">${escape(shape.title)}</text>`,
      );
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
