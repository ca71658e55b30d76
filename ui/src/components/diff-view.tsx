/** A unified diff with added and removed lines coloured. */
export function DiffView({ diff }: { readonly diff: string }) {
  return (
    <pre className="code diff" data-testid="policy-diff">
      {diff.split('\n').map((line, index) => {
        const kind =
          line.startsWith('+++') || line.startsWith('---')
            ? 'diff-file'
            : line.startsWith('+')
              ? 'diff-add'
              : line.startsWith('-')
                ? 'diff-remove'
                : line.startsWith('@@')
                  ? 'diff-hunk'
                  : undefined;
        return (
          <span key={index} className={kind}>
            {line}
            {'\n'}
          </span>
        );
      })}
    </pre>
  );
}
