import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Counts per time bucket of several series: `times` in seconds (uPlot's unit), one count array per series. */
export interface SeriesCounts {
  times: number[];
  series: { label: string; counts: number[] }[];
}

// Distinguishable on white and for the common colour-vision deficiencies (Okabe–Ito).
const COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#555555'];

/**
 * Buckets items into UTC days and counts them per key, keeping the `top` most frequent keys and
 * folding the rest into "other".
 */
export function countByDay<T>(
  items: readonly T[],
  timeOf: (t: T) => string,
  keyOf: (t: T) => string,
  top = 5,
): SeriesCounts {
  // Each item's key once: the chart reads thousands of sign-ins.
  const keys = items.map(keyOf);
  const totals = new Map<string, number>();
  for (const key of keys) totals.set(key, (totals.get(key) ?? 0) + 1);
  const kept = [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k]) => k);
  const labels = totals.size > kept.length ? [...kept, 'other'] : kept;
  const indexOf = new Map(kept.map((k, i) => [k, i]));
  const days = new Map<number, number[]>();
  for (const [i, it] of items.entries()) {
    const day = Math.floor(Date.parse(timeOf(it)) / 86_400_000) * 86_400;
    const row = days.get(day) ?? labels.map(() => 0);
    const index = indexOf.get(keys[i] as string) ?? labels.length - 1;
    row[index] = (row[index] ?? 0) + 1;
    days.set(day, row);
  }
  if (days.size > 0) {
    // Days without sign-ins are zeros, not gaps the line would bridge.
    const first = Math.min(...days.keys());
    const last = Math.max(...days.keys());
    for (let d = first; d <= last; d += 86_400)
      if (!days.has(d))
        days.set(
          d,
          labels.map(() => 0),
        );
  }
  const times = [...days.keys()].sort((a, b) => a - b);
  return {
    times,
    series: labels.map((label, i) => ({ label, counts: times.map((t) => days.get(t)?.[i] ?? 0) })),
  };
}

/**
 * A uPlot line chart of daily counts, with a table of the totals beside it for screen readers and
 * for anyone who prefers numbers.
 */
export function SignInsChart(props: { title: string; data: SeriesCounts }) {
  const host = useRef<HTMLDivElement>(null);
  const { data } = props;
  useEffect(() => {
    const el = host.current;
    if (!el || data.times.length === 0) return;
    const width = Math.max(280, Math.min(el.clientWidth || 600, 900));
    const plot = new uPlot(
      {
        width,
        height: 220,
        series: [
          {},
          ...data.series.map((s, i) => ({
            label: s.label,
            stroke: COLOURS[i % COLOURS.length] as string,
            width: 2,
            points: { show: data.times.length < 40 },
          })),
        ],
        axes: [{}, { label: 'sign-ins a day', size: 60 }],
        legend: { live: false },
        cursor: { drag: { x: false, y: false } },
      },
      [data.times, ...data.series.map((s) => s.counts)],
      el,
    );
    return () => plot.destroy();
  }, [data]);
  if (data.times.length === 0) return <p class="state">No sign-ins recorded.</p>;
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <div ref={host} class="chart-host" aria-hidden="true" />
      <table class="totals">
        <caption class="visually-hidden">{props.title}: totals</caption>
        <thead>
          <tr>
            <th scope="col">Series</th>
            <th scope="col">Sign-ins</th>
          </tr>
        </thead>
        <tbody>
          {data.series.map((s) => (
            <tr key={s.label}>
              <th scope="row">{s.label}</th>
              <td>{s.counts.reduce((a, b) => a + b, 0).toLocaleString('en')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
