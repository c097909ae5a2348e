/** Tokens created and redeemed per day, as an SVG bar chart with a table for screen readers. */
export function ActivityChart({ days }: { days: { date: string; created: number; redeemed: number }[] }) {
  const max = Math.max(1, ...days.flatMap((d) => [d.created, d.redeemed]));
  const width = 600;
  const height = 140;
  const slot = width / days.length;
  const bar = Math.max(2, slot / 2 - 2);
  const scale = (n: number) => (n / max) * (height - 20);
  return (
    <figure>
      <svg viewBox={`0 0 ${width} ${height}`} className="h-40 w-full" role="img" aria-label="Tokens created and redeemed per day, last 30 days">
        {days.map((d, i) => (
          <g key={d.date}>
            <rect x={i * slot + 1} y={height - scale(d.created)} width={bar} height={scale(d.created)} className="fill-indigo-500">
              <title>{`${d.date}: ${d.created} created`}</title>
            </rect>
            <rect x={i * slot + 1 + bar + 1} y={height - scale(d.redeemed)} width={bar} height={scale(d.redeemed)} className="fill-emerald-500">
              <title>{`${d.date}: ${d.redeemed} redeemed`}</title>
            </rect>
          </g>
        ))}
      </svg>
      <figcaption className="mt-2 flex gap-4 text-xs text-zinc-600 dark:text-zinc-400">
        <span><span aria-hidden className="mr-1 inline-block size-2 bg-indigo-500" />created</span>
        <span><span aria-hidden className="mr-1 inline-block size-2 bg-emerald-500" />redeemed</span>
        <span>{days[0]?.date} – {days.at(-1)?.date} (UTC)</span>
      </figcaption>
      <table className="sr-only">
        <caption>Tokens per day</caption>
        <thead><tr><th>Date</th><th>Created</th><th>Redeemed</th></tr></thead>
        <tbody>{days.map((d) => <tr key={d.date}><td>{d.date}</td><td>{d.created}</td><td>{d.redeemed}</td></tr>)}</tbody>
      </table>
    </figure>
  );
}
