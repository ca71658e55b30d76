/** A failed load or action, shown where the content would have been. */
export function ErrorBanner({ message }: { readonly message: string | undefined }) {
  if (message === undefined) return null;
  return (
    <p className="error-banner" role="alert">
      {message}
    </p>
  );
}
