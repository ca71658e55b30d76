const hexGroup = /^[0-9A-Fa-f]{1,4}$/;

function isIpv4(value: string): boolean {
  const octets = value.split('.');
  return (
    octets.length === 4 &&
    octets.every((octet) => /^(?:0|[1-9]\d{0,2})$/.test(octet) && Number(octet) <= 255)
  );
}

/** True when `value` is a dotted-quad IPv4 address: four octets 0–255 without leading zeros. */
export { isIpv4 };

/**
 * True when `value` is an IPv6 address in RFC 4291 text form: eight hex groups, or fewer with one
 * `::`, optionally ending in an embedded IPv4 address. Pure.
 */
export function isIpv6(value: string): boolean {
  const halves = value.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  const all = [...head, ...tail];
  let width = all.length;
  const last = all.at(-1);
  if (last?.includes('.') === true) {
    if (!isIpv4(last)) return false;
    all.pop();
    width += 1;
  }
  if (!all.every((group) => hexGroup.test(group))) return false;
  return halves.length === 2 ? width <= 7 : width === 8;
}
