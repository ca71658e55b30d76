/**
 * The soak's memory chart as a hand-written SVG line chart (no charting dependency): the
 * gateway's resident memory and V8 heap over time, with the warm-up marked.
 */

export interface ChartSeries {
  readonly label: string;
  readonly colour: string;
  /** [minutes since start, MB]; NaN values are left out. */
  readonly points: readonly (readonly [number, number])[];
  readonly dashed?: boolean;
}

export interface MemoryChart {
  readonly title: string;
  readonly subtitle: string;
  readonly minutes: number;
  readonly warmupMinutes: number;
  readonly series: readonly ChartSeries[];
}

const width = 860;
const height = 440;
const margin = { left: 64, right: 24, top: 84, bottom: 56 };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A round step (1, 2 or 5 × 10^n) that divides `range` into about `count` parts. */
function niceStep(range: number, count: number): number {
  const raw = range / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

const round1 = (value: number): string => (Math.round(value * 10) / 10).toString();

/** Renders the chart as a standalone SVG document. */
export function renderMemoryChart(chart: MemoryChart): string {
  const values = chart.series.flatMap((series) =>
    series.points.map(([, value]) => value).filter((value) => Number.isFinite(value)),
  );
  const yStep = niceStep(Math.max(1, ...values), 6);
  const yMax = Math.ceil((Math.max(1, ...values) * 1.05) / yStep) * yStep;
  const xMax = Math.max(chart.minutes, 1 / 6);
  const xStep = niceStep(xMax, 10);
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const x = (minutes: number): number => margin.left + (minutes / xMax) * plotWidth;
  const y = (mb: number): number => margin.top + plotHeight - (mb / yMax) * plotHeight;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${margin.left}" y="24" font-size="16" font-weight="600" fill="#111">${escapeXml(chart.title)}</text>`,
    `<text x="${margin.left}" y="42" fill="#555">${escapeXml(chart.subtitle)}</text>`,
  ];
  for (let mb = 0; mb <= yMax + 1e-9; mb += yStep) {
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${round1(y(mb))}" y2="${round1(y(mb))}" stroke="#e5e5e5"/>`,
      `<text x="${margin.left - 8}" y="${round1(y(mb) + 4)}" text-anchor="end" fill="#444">${round1(mb)}</text>`,
    );
  }
  for (let minute = 0; minute <= xMax + 1e-9; minute += xStep) {
    parts.push(
      `<line x1="${round1(x(minute))}" x2="${round1(x(minute))}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight + 5}" stroke="#444"/>`,
      `<text x="${round1(x(minute))}" y="${margin.top + plotHeight + 20}" text-anchor="middle" fill="#444">${round1(minute)}</text>`,
    );
  }
  parts.push(
    `<line x1="${margin.left}" x2="${width - margin.right}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight}" stroke="#444"/>`,
    `<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + plotHeight}" stroke="#444"/>`,
    `<text x="${margin.left + plotWidth / 2}" y="${height - 14}" text-anchor="middle" fill="#222">minutes since the load started</text>`,
    `<text transform="translate(18 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" fill="#222">MB (MiB)</text>`,
  );
  if (chart.warmupMinutes > 0) {
    const warmupX = round1(x(chart.warmupMinutes));
    parts.push(
      `<line x1="${warmupX}" x2="${warmupX}" y1="${margin.top}" y2="${margin.top + plotHeight}" stroke="#999" stroke-dasharray="4 4"/>`,
      `<text x="${round1(x(chart.warmupMinutes) + 4)}" y="${margin.top + 12}" fill="#777">end of warm-up</text>`,
    );
  }
  chart.series.forEach((series, index) => {
    const points = series.points
      .filter(([, value]) => Number.isFinite(value))
      .map(([minute, value]) => `${round1(x(minute))},${round1(y(value))}`)
      .join(' ');
    parts.push(
      `<polyline fill="none" stroke="${series.colour}" stroke-width="2"${series.dashed === true ? ' stroke-dasharray="6 3"' : ''} points="${points}"/>`,
    );
    const legendX = margin.left + 12 + index * 190;
    const legendY = margin.top - 20;
    parts.push(
      `<line x1="${legendX}" x2="${legendX + 24}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${series.colour}" stroke-width="2"${series.dashed === true ? ' stroke-dasharray="6 3"' : ''}/>`,
      `<text x="${legendX + 30}" y="${legendY}" fill="#222">${escapeXml(series.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
