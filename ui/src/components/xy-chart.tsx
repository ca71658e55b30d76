import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One series of an {@link XyChart}: its own (x, y) points, drawn as a line, a dashed line or dots. */
export interface XySeries {
  readonly label: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
  readonly color: string;
  readonly style: 'line' | 'dashed' | 'points';
}

interface XyChartProps {
  readonly title: string;
  readonly series: readonly XySeries[];
  readonly formatX: (value: number) => string;
  readonly formatY: (value: number) => string;
  readonly xLabel: string;
  /** The x value's name in the legend (short: "Share", "Cost"). */
  readonly xName: string;
  readonly yLabel: string;
  readonly height?: number;
  readonly testId?: string;
}

/**
 * The series on one x axis, as uPlot wants them: every point becomes a row of its own x, sorted,
 * with null in the other series (lines span the gaps, so each series still draws as one curve).
 */
function alignedData(series: readonly XySeries[]): uPlot.AlignedData {
  const rows = series
    .flatMap((entry, index) => entry.points.map((point) => ({ ...point, index })))
    .sort((left, right) => left.x - right.x || left.index - right.index);
  return [
    Float64Array.from(rows.map((row) => row.x)),
    ...series.map((_, index) => rows.map((row) => (row.index === index ? row.y : null))),
  ];
}

/**
 * The range of the data on one axis with some air: curves that differ by a few points stay apart,
 * and points at the ends (several single models at the dearest cost) are not cut off.
 */
function paddedRange(series: readonly XySeries[], axis: 'x' | 'y'): [number, number] {
  const values = series.flatMap((entry) => entry.points.map((point) => point[axis]));
  if (values.length === 0) return [0, 1];
  const low = Math.min(...values);
  const high = Math.max(...values);
  const pad = Math.max((high - low) * (axis === 'x' ? 0.03 : 0.08), Math.abs(high) * 1e-3, 1e-9);
  return [low - pad, high + pad];
}

/**
 * A uPlot chart of series that do not share x values (a router's curve, baselines, single points),
 * filling its container's width and redrawing when it resizes. Axes zoom to the data.
 */
export function XyChart(props: XyChartProps) {
  const { title, series, formatX, formatY, xLabel, xName, yLabel, height = 260, testId } = props;
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (element === null) return undefined;
    const axis = { stroke: '#5b6472', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#d9dde3' } };
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 200),
      height,
      scales: {
        x: { time: false, range: () => paddedRange(series, 'x') },
        y: { range: () => paddedRange(series, 'y') },
      },
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      axes: [
        {
          ...axis,
          label: xLabel,
          // Room for "$0.00012"-wide tick labels.
          space: 80,
          values: (_chart: uPlot, ticks: number[]) => ticks.map(formatX),
        },
        {
          ...axis,
          label: yLabel,
          size: (_chart: uPlot, values: string[] | null) =>
            Math.max(48, 16 + 7 * Math.max(0, ...(values ?? []).map((value) => value.length))),
          values: (_chart: uPlot, ticks: number[]) => ticks.map(formatY),
        },
      ],
      series: [
        {
          label: xName,
          value: (_chart: uPlot, value: number | null) => (value === null ? '–' : formatX(value)),
        },
        ...series.map((entry): uPlot.Series => ({
          label: entry.label,
          stroke: entry.color,
          width: entry.style === 'points' ? 0 : 2,
          ...(entry.style === 'dashed' ? { dash: [6, 4] } : {}),
          ...(entry.style === 'points' ? { paths: () => null } : {}),
          points: {
            show: entry.style !== 'dashed',
            size: entry.style === 'points' ? 9 : 5,
            fill: entry.color,
          },
          spanGaps: true,
          value: (_chart: uPlot, value: number | null) => (value === null ? '–' : formatY(value)),
        })),
      ],
    };
    const chart = new uPlot(options, alignedData(series), element);
    const observer = new ResizeObserver(() => {
      chart.setSize({ width: Math.max(element.clientWidth, 200), height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [series, formatX, formatY, xLabel, xName, yLabel, height]);
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      {series.every((entry) => entry.points.length === 0) ? (
        <p className="muted">No data.</p>
      ) : (
        <div ref={container} />
      )}
    </figure>
  );
}
