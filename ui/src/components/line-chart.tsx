import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
  readonly color: string;
}

interface LineChartProps {
  readonly title: string;
  /** X values: Unix seconds for time charts, plain numbers otherwise. */
  readonly x: readonly number[];
  readonly series: readonly ChartSeries[];
  readonly time?: boolean;
  readonly formatY?: (value: number) => string;
  readonly xLabel?: string;
  readonly height?: number;
  readonly testId?: string;
}

/** A uPlot line chart that fills its container's width and redraws when it resizes. */
export function LineChart(props: LineChartProps) {
  const { title, x, series, time = true, formatY, xLabel, height = 200, testId } = props;
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (element === null) return undefined;
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 200),
      height,
      // Counts, latencies and costs read best against zero; uPlot would zoom to the data's range.
      scales: { x: { time }, y: { range: (_chart, _min, max) => [0, max > 0 ? max * 1.08 : 1] } },
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      axes: [
        {
          stroke: '#5b6472',
          grid: { stroke: '#eef0f3' },
          ticks: { stroke: '#d9dde3' },
          ...(xLabel === undefined ? {} : { label: xLabel }),
        },
        {
          stroke: '#5b6472',
          grid: { stroke: '#eef0f3' },
          ticks: { stroke: '#d9dde3' },
          // Wide enough for the longest tick label (uPlot's fixed default cuts "$0.000075").
          size: (_chart: uPlot, values: string[] | null) =>
            Math.max(40, 24 + 8 * Math.max(0, ...(values ?? []).map((value) => value.length))),
          ...(formatY === undefined
            ? {}
            : { values: (_chart: uPlot, ticks: number[]) => ticks.map(formatY) }),
        },
      ],
      series: [
        {},
        ...series.map((entry) => ({
          label: entry.label,
          stroke: entry.color,
          width: 2,
          fill: `${entry.color}14`,
          // Sparse series (a quiet hour of minutes) still show their few points.
          points: { show: entry.values.filter((value) => value !== null).length < 40, size: 5 },
          spanGaps: true,
          ...(formatY === undefined
            ? {}
            : {
                value: (_chart: uPlot, value: number | null) =>
                  value === null ? '–' : formatY(value),
              }),
        })),
      ],
    };
    const data: uPlot.AlignedData = [
      Float64Array.from(x),
      ...series.map((entry) => entry.values.map((value) => value ?? null)),
    ];
    const chart = new uPlot(options, data, element);
    const observer = new ResizeObserver(() => {
      chart.setSize({ width: Math.max(element.clientWidth, 200), height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [x, series, time, formatY, xLabel, height]);
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      {x.length === 0 ? <p className="muted">No data in this period.</p> : <div ref={container} />}
    </figure>
  );
}
