// Canonical JSON: object keys sorted, so that the same value always gives the same text. The
// mirror settles ties and snapshots with it, the audit sink hashes records with it.

/** JSON text of `value` with every object's keys sorted. */
export function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
