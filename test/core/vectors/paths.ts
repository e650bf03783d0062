// Single-field edits of JSON values, for mutations. An `undefined` value deletes the field.
export type Path = (string | number)[];

export function setPath<T>(obj: T, path: Path, value: unknown): T {
  const copy = structuredClone(obj) as { [k: string | number]: unknown };
  let at = copy;
  path.slice(0, -1).forEach((k) => { at = at[k] as typeof copy; });
  if (value === undefined) delete at[path.at(-1)!]; else at[path.at(-1)!] = value;
  return copy as T;
}

export const getPath = (obj: unknown, path: Path): unknown => path.reduce<unknown>((o, k) => (o as { [x: string | number]: unknown })[k], obj);
