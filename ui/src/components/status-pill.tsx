/** A small coloured label for a status: good, warn, bad or neutral. */
export function StatusPill({
  tone,
  children,
}: {
  readonly tone: 'good' | 'warn' | 'bad' | 'neutral';
  readonly children: string;
}) {
  return <span className={`pill pill-${tone}`}>{children}</span>;
}
