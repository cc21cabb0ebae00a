// Writing a call's inputs into a wasm module's scratch area (wasm/src/scratch.rs): the
// signature header and the body, or a verifier's secrets, straight into wasm memory, whose
// address and lengths the module's exports then take. Strings that are short and ASCII
// (headers, small bodies) are written with a loop, others with encodeInto; both beat
// wasm-bindgen's own string passing, which loops per character and allocates per call. Both
// modules (the full one and the verify-only one) are written to through this one class.

const SHORT_STRING = 256;

/** What `Scratch.tag` answers for a header that is not 64 hexadecimal digits. */
export const NOT_PLAIN_HEX = -2;

// Made on first use: Node loads its encoding module the first time either class is touched,
// about a tenth of `flagsmith-webhooks/verify`'s cold start (bench/coldstart.mjs), and ASCII
// secrets, headers and short bodies never need them.
let encoder;
let decoder;
const utf8Encoder = () => (encoder ??= new TextEncoder());
const utf8Decoder = () => (decoder ??= new TextDecoder());

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX['0123456789abcdef'.charCodeAt(i)] = i;
  HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/** Writes `text` at `at` if it is all ASCII; false (having written part of it) if not. */
function writeAscii(text, memory, at) {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return false;
    memory[at + i] = code;
  }
  return true;
}

/** The scratch area of one wasm module, given its `scratch(len)` export and its memory. */
export class Scratch {
  #reserve;
  #memory;
  #view = new Uint8Array(0);
  /** The length in bytes of the header the last `stage` wrote. */
  headerLength = 0;

  /**
   * `reserve(len)` makes the area at least `len` bytes long and returns its address;
   * `memory()` returns the module's WebAssembly.Memory.
   */
  constructor(reserve, memory) {
    this.#reserve = reserve;
    this.#memory = memory;
  }

  /** wasm memory as bytes; a new view after the memory grew (which detaches the old one). */
  bytes() {
    const buffer = this.#memory().buffer;
    if (this.#view.buffer !== buffer) this.#view = new Uint8Array(buffer);
    return this.#view;
  }

  /**
   * Writes each secret's length in bytes (little-endian u32), then the secrets end to end (a
   * string as its UTF-8, encoded straight into wasm memory, so that JavaScript holds no copy of
   * it), as `verifier_from_scratch` reads them; returns how many bytes that took. The module
   * zeroes them once keyed.
   */
  secrets(parts) {
    // Room for every length, and for each string secret its longest UTF-8 (3 bytes a unit).
    let room = 4 * parts.length;
    for (const part of parts) room += (typeof part === 'string' ? 3 : 1) * part.length;
    const at = this.#reserve(room);
    const memory = this.bytes();
    const lengths = new DataView(memory.buffer, at, 4 * parts.length);
    let offset = at + 4 * parts.length;
    for (let index = 0; index < parts.length; index++) {
      const part = parts[index];
      let length = part.length;
      if (typeof part !== 'string') memory.set(part, offset);
      else if (!writeAscii(part, memory, offset)) {
        // encodeInto rewrites the ASCII prefix writeAscii wrote, and no byte past what it wrote counts.
        length = utf8Encoder().encodeInto(part, memory.subarray(offset, offset + 3 * part.length)).written;
      }
      lengths.setUint32(4 * index, length, true);
      offset += length;
    }
    return offset - at;
  }

  /**
   * For a header of exactly 64 hexadecimal digits: writes its 32 bytes, then the body, and
   * returns the body's length, or -1 for a string body over `limit` bytes; NOT_PLAIN_HEX
   * (having written nothing that counts) for any other header, which the core parses.
   */
  tag(header, body, limit) {
    const bodyLength = typeof body === 'string' ? body.length : body.byteLength;
    const at = this.#reserve(32 + bodyLength);
    const memory = this.bytes();
    for (let i = 0; i < 32; i++) {
      const high = HEX[header.charCodeAt(2 * i)] ?? -1;
      const low = HEX[header.charCodeAt(2 * i + 1)] ?? -1;
      if ((high | low) < 0) return NOT_PLAIN_HEX;
      memory[at + i] = (high << 4) | low;
    }
    return this.#body(body, bodyLength, at, 32, limit);
  }

  /**
   * Writes the header then the body. Returns the body's length in bytes, or -1 for a string
   * body whose UTF-8 is over `limit` bytes, and leaves the header's length in `headerLength`.
   */
  stage(header, body, limit) {
    const bodyLength = typeof body === 'string' ? body.length : body.byteLength;
    let headerLength = header.length;
    let at = this.#reserve(headerLength + bodyLength);
    let memory = this.bytes();
    if (!writeAscii(header, memory, at)) {
      // A header value that is not ASCII (Node and Fetch read header bytes as Latin-1).
      const encoded = utf8Encoder().encode(header);
      headerLength = encoded.length;
      at = this.#reserve(headerLength + bodyLength);
      memory = this.bytes();
      memory.set(encoded, at);
    }
    this.headerLength = headerLength;
    return this.#body(body, bodyLength, at, headerLength, limit);
  }

  /** Stages `input` alone; -1 when it is a string over `limit` bytes. */
  body(input, limit) {
    return this.stage('', input, limit);
  }

  /** Reads `length` bytes of text the module wrote at the area's start. */
  text(length) {
    const at = this.#reserve(0);
    return utf8Decoder().decode(this.bytes().subarray(at, at + length));
  }

  /**
   * Writes the body after the header (`headerLength` bytes at the area's start, `at`); returns
   * its length in bytes, or -1 for a string whose UTF-8 is over `limit` bytes. Bytes, and
   * strings with more UTF-16 units than `limit`, were checked before (isOverLimit): a string's
   * UTF-8 length is learnt here, while it is encoded, never by a separate pass over it.
   */
  #body(body, bodyLength, at, headerLength, limit) {
    let memory = this.bytes();
    const start = at + headerLength;
    if (typeof body !== 'string') {
      memory.set(body, start);
      return bodyLength;
    }
    if (bodyLength <= SHORT_STRING && writeAscii(body, memory, start)) return bodyLength;
    let { read, written } = utf8Encoder().encodeInto(body, memory.subarray(start, start + bodyLength));
    while (read < bodyLength) {
      if (written > limit) return -1;
      // Not ASCII: what is left needs at most 3 bytes per UTF-16 unit, and no more is reserved
      // than the limit leaves (plus 4, so that the character crossing it always fits, and shows it).
      const room = Math.min((bodyLength - read) * 3, limit - written + 4);
      at = this.#reserve(headerLength + written + room);
      memory = this.bytes();
      const offset = at + headerLength + written;
      const more = utf8Encoder().encodeInto(body.slice(read), memory.subarray(offset, offset + room));
      read += more.read;
      written += more.written;
    }
    return written > limit ? -1 : written;
  }
}
