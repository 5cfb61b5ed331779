import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  /** Unit for the axis and legend (`%`, `B`, `instr`). */
  unit: string;
  color: string;
}

/**
 * A uPlot time series. `data` is [times in seconds, values…]; new data redraws without
 * rebuilding the chart, so a live stream costs one setData per sample.
 */
export function Chart({
  title,
  series,
  data,
  id,
}: {
  title: string;
  series: Series[];
  data: uPlot.AlignedData;
  id: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = host.current!;
    const width = () => Math.max(240, el.clientWidth);
    const fmt = (unit: string) => (_u: uPlot, v: number | null) =>
      v == null ? '–' : `${formatValue(v, unit)}`;
    plot.current = new uPlot(
      {
        width: width(),
        height: 180,
        series: [
          {},
          ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, value: fmt(s.unit) })),
        ],
        axes: [
          {},
          { values: (_u, ticks) => ticks.map((t) => formatValue(t, series[0].unit)), size: 84 },
        ],
        scales: { x: { time: true } },
        // The caption shows the latest value; a legend row would repeat it.
        legend: { show: false },
      },
      data,
      el,
    );
    const observer = new ResizeObserver(() =>
      plot.current?.setSize({ width: width(), height: 180 }),
    );
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // The chart is built once per series set; data changes go through setData below.
  }, [series.map((s) => s.label).join()]);
  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);
  const last = data[1]?.[data[1].length - 1];
  return (
    <figure class="chart" data-testid={`chart-${id}`} data-points={data[0].length}>
      <figcaption>
        {title}
        <span class="now" aria-live="off">
          {last == null ? 'no samples yet' : formatValue(last, series[0].unit)}
        </span>
      </figcaption>
      <div
        ref={host}
        role="img"
        aria-label={`${title}: ${data[0].length} samples; latest ${last == null ? 'none' : formatValue(last, series[0].unit)}`}
      />
    </figure>
  );
}

export function formatValue(v: number, unit: string): string {
  if (unit === 'B') return formatBytes(v);
  if (unit === '%') return `${Math.round(v * 10) / 10} %`;
  if (Math.abs(v) >= 1e9) return `${(v / 1e9).toFixed(2)} G`;
  if (Math.abs(v) >= 1e6) return `${(v / 1e6).toFixed(2)} M`;
  if (Math.abs(v) >= 1e4) return `${(v / 1e3).toFixed(1)} k`;
  return String(Math.round(v));
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${Math.round(n)} B`;
}
