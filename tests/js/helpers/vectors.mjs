// Loads tests/vectors.json and its fixtures for the JavaScript tests (Node and, serialised,
// the Worker and browser tests).
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
export const vectors = JSON.parse(readFileSync(new URL('vectors.json', root), 'utf8'));

export function fixture(name) {
  return readFileSync(new URL(`fixtures/${name}`, root));
}

/** The body's bytes as a Buffer. */
export function bodyOf(testCase) {
  if (typeof testCase.body === 'string') return Buffer.from(testCase.body, 'utf8');
  if (typeof testCase.body_hex === 'string') return Buffer.from(testCase.body_hex, 'hex');
  return fixture(testCase.body_file);
}

/** A verify case's secret: a string, or bytes for `{hex}`. */
export function secretOf(value) {
  return typeof value === 'string' ? value : new Uint8Array(Buffer.from(value.hex, 'hex'));
}

export function signSecretOf(testCase) {
  return testCase.secret ?? new Uint8Array(Buffer.from(testCase.secret_hex, 'hex'));
}

/** Every case with bodies inlined as hex, for runtimes that cannot read the fixture files. */
export function portableVectors() {
  const inline = (c) => ({ ...c, body: undefined, body_file: undefined, body_hex: bodyOf(c).toString('hex') });
  return {
    sign: vectors.sign.map((c) => ({ ...inline(c), secret: undefined, secret_hex: Buffer.from(signSecretOf(c)).toString('hex') })),
    verify: vectors.verify.map(inline),
    parse: vectors.parse.map(inline),
  };
}

/** The same body in every shape the API accepts. */
export function bodyShapes(buffer) {
  const copy = new Uint8Array(buffer.length);
  copy.set(buffer);
  const padded = new Uint8Array(buffer.length + 2);
  padded.set(buffer, 2);
  const shapes = {
    Buffer: buffer,
    Uint8Array: copy,
    ArrayBuffer: copy.buffer.slice(0),
    'Uint8Array view at an offset': new Uint8Array(padded.buffer, 2, buffer.length),
    'DataView at an offset': new DataView(padded.buffer, 2, buffer.length),
  };
  const text = buffer.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(buffer)) shapes.string = text;
  return shapes;
}
