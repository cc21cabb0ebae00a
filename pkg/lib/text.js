// Payload text made safe to print: the JavaScript twin of src/text.rs. Feature names,
// `changed_by` and identity identifiers (which come from SDK end users) can hold anything;
// written raw to a terminal or a log, an ESC sequence clears the screen or retitles the window,
// CR and LF forge log lines, and a right-to-left override reorders what a reader sees.

/**
 * C0 controls, DEL, C1 controls, the bidirectional marks, embeddings, overrides and isolates,
 * and the Unicode line and paragraph separators: the same set as `is_unsafe_char` in Rust.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
const UNSAFE_KEEPING_LINES = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
const SHORT = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const escapeOne = (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * `text` with every unsafe character written as a visible escape (`\n`, `\r`, `\t`, else
 * `\uXXXX`). With `keepLineBreaks`, `\n` stays a line break (for multi-line output such as a
 * receiver's reply); everything else is still escaped.
 */
export function escapeControls(text, keepLineBreaks = false) {
  return String(text).replace(keepLineBreaks ? UNSAFE_KEEPING_LINES : UNSAFE, escapeOne);
}
