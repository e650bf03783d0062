// Defects in JSON text that JSON.parse lets through but the service must refuse, found in one pass over text
// JSON.parse has already accepted (so it is well-formed):
// - a repeated object key (I-JSON, RFC 7493 §2.3): JSON.parse keeps the last, another reader may keep the first,
//   so the body's meaning would depend on the reader. Keys are compared decoded ("a" = "\u0061").
// - an ill-formed string (a lone surrogate, only writable as a \u escape): it has no UTF-8 form, so storage would
//   silently turn it into U+FFFD and canonicalization cannot encode it (RFC 7493 §2.1).
import { isWellFormed } from "../../core/index.ts";

export type JsonDefect = { kind: "duplicate_key" | "ill_formed_string"; path: (string | number)[] };

/** One open object (the keys seen so far, the current key) or array (the index of the current element). */
type Frame = { keys: Set<string> | undefined; key: string | number; expectKey: boolean };

const QUOTE = 0x22, BACKSLASH = 0x5c, OPEN_OBJECT = 0x7b, CLOSE_OBJECT = 0x7d, OPEN_ARRAY = 0x5b, CLOSE_ARRAY = 0x5d, COMMA = 0x2c;
/** A \u escape of a surrogate code unit: without one anywhere, no string can be ill-formed. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** Index of the quote closing the string whose opening quote is at `start`. */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  for (;;) {
    let slashes = 0;
    while (text.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
}

const decodeString = (raw: string): string => (raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw);

/** The first defect in text order, with its path (a repeated key's path ends in that key); undefined if none. */
export function findJsonDefect(text: string): JsonDefect | undefined {
  const checkStrings = SURROGATE_ESCAPE.test(text);
  const stack: Frame[] = [];
  const pathTo = (last?: string) => [...stack.slice(0, last === undefined ? stack.length : -1).map((f) => f.key), ...(last === undefined ? [] : [last])];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const raw = text.slice(i + 1, end);
      const top = stack[stack.length - 1];
      if (top !== undefined && top.expectKey) {
        const key = decodeString(raw);
        if (checkStrings && !isWellFormed(key)) return { kind: "ill_formed_string", path: pathTo(key) };
        if (top.keys!.has(key)) return { kind: "duplicate_key", path: pathTo(key) };
        top.keys!.add(key);
        top.key = key;
        top.expectKey = false;
      } else if (checkStrings && raw.includes("\\u") && !isWellFormed(decodeString(raw))) {
        return { kind: "ill_formed_string", path: pathTo() };
      }
      i = end;
    } else if (c === OPEN_OBJECT) {
      stack.push({ keys: new Set(), key: "", expectKey: true });
    } else if (c === OPEN_ARRAY) {
      stack.push({ keys: undefined, key: 0, expectKey: false });
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.pop();
    } else if (c === COMMA) {
      const top = stack[stack.length - 1]!;
      if (top.keys === undefined) top.key = (top.key as number) + 1;
      else top.expectKey = true;
    }
  }
  return undefined;
}
