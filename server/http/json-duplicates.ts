// Duplicate object keys in JSON text (I-JSON, RFC 7493 §2.3). JSON.parse keeps the last of them, another reader
// may keep the first: a body whose meaning depends on the reader must be refused, not guessed. This scans text
// that JSON.parse has already accepted (so it is well-formed) in one pass, comparing decoded keys ("a" = "\u0061").

/** One open object (the keys seen so far) or array (the index of the current element). */
type Frame = { keys: Set<string> | undefined; key: string | number; expectKey: boolean };

const QUOTE = 0x22, BACKSLASH = 0x5c, OPEN_OBJECT = 0x7b, CLOSE_OBJECT = 0x7d, OPEN_ARRAY = 0x5b, CLOSE_ARRAY = 0x5d, COMMA = 0x2c;

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

/** Path of the first repeated key (the second occurrence), e.g. ["header", "count"]; undefined when there is none. */
export function findDuplicateKey(text: string): (string | number)[] | undefined {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (top !== undefined && top.expectKey) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (top.keys!.has(key)) return [...stack.slice(0, -1).map((f) => f.key), key];
        top.keys!.add(key);
        top.key = key;
        top.expectKey = false;
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
