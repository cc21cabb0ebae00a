// Searching wasm memory for bytes that must not be there (secrets once keyed).

/** Every offset at which `needle` occurs in `haystack`. */
export function occurrences(haystack, needle) {
  const found = [];
  for (let at = haystack.indexOf(needle[0]); at !== -1; at = haystack.indexOf(needle[0], at + 1)) {
    if (needle.every((byte, i) => haystack[at + i] === byte)) found.push(at);
  }
  return found;
}
