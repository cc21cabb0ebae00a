// Generated test inputs that a failure can reproduce.

/** A deterministic generator of numbers in [0, 1) from `seed`. */
export function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32;
  };
}
