/** What a provider id is made from. */
export interface IdRequest {
  /** Readable start (`azure`, `bedrock`, `openai`). */
  readonly base: string;
  /** What tells it apart from others of the same base (a region or host name). */
  readonly qualifier: string | undefined;
  /** Cloud providers always show the qualifier (`bedrock-us-east-1`). */
  readonly alwaysQualified: boolean;
  /** An id clients already use (the `openai` of a LiteLLM `openai/*` wildcard). */
  readonly preferred: string | undefined;
}

const maximumLength = 63;

/** Lowercase letters, digits, `-` and `_`, starting with a letter or digit, at most 63 characters. */
export function toIdentifier(text: string): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+/, '')
    .replace(/-+$/, '')
    .slice(0, maximumLength)
    .replace(/-+$/, '');
  return cleaned === '' ? 'provider' : cleaned;
}

/**
 * Readable, unique provider ids, one per request and in the same order. Preferred ids are honoured
 * first; a base used by one provider only is the id itself (`openai`), several get their
 * qualifier (`azure-eastus`), and remaining clashes a number (`openai-2`). `reserved` ids are
 * never given: they are the prefixes of model aliases, which Signalbox would otherwise read as
 * `<provider>/<model>`. Pure.
 */
export function assignProviderIds(
  requests: readonly IdRequest[],
  reserved: ReadonlySet<string>,
): string[] {
  const taken = new Set<string>(reserved);
  const ids: (string | undefined)[] = requests.map(() => undefined);
  requests.forEach((request, index) => {
    if (request.preferred !== undefined && !taken.has(request.preferred)) {
      ids[index] = request.preferred;
      taken.add(request.preferred);
    }
  });
  const countByBase = new Map<string, number>();
  requests.forEach((request, index) => {
    if (ids[index] === undefined) {
      countByBase.set(request.base, (countByBase.get(request.base) ?? 0) + 1);
    }
  });
  requests.forEach((request, index) => {
    if (ids[index] !== undefined) {
      return;
    }
    const qualified = request.alwaysQualified || (countByBase.get(request.base) ?? 0) > 1;
    const wanted = toIdentifier(
      qualified && request.qualifier !== undefined
        ? `${request.base}-${request.qualifier}`
        : request.base,
    );
    let id = wanted;
    for (let number = 2; taken.has(id); number += 1) {
      const suffix = `-${String(number)}`;
      id = `${wanted.slice(0, maximumLength - suffix.length)}${suffix}`;
    }
    ids[index] = id;
    taken.add(id);
  });
  return ids.map((id) => id ?? 'provider');
}
