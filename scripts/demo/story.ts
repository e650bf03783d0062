// The demo's voice: numbered steps with elapsed time, indented lines, ✓/✗ checks and the closing figures.
// Every check is remembered: the demo exits 0 only if all of them passed.
export type Check = { name: string; ok: boolean; detail: string };

export class Story {
  readonly checks: Check[] = [];
  readonly figures: [string, string][] = [];
  readonly #out: (line: string) => void;
  readonly #t0 = performance.now();

  constructor(out: (line: string) => void = (line) => process.stdout.write(line + "\n")) {
    this.#out = out;
  }

  get elapsedSeconds(): number {
    return (performance.now() - this.#t0) / 1000;
  }

  print(text = ""): void {
    this.#out(text);
  }

  step(n: number, title: string): void {
    this.#out(`\n[${this.elapsedSeconds.toFixed(1).padStart(5)} s] ${n}. ${title}`);
  }

  line(label: string, value = ""): void {
    this.#out(value === "" ? `    ${label}` : `    ${label.padEnd(30)} ${value}`);
  }

  /** Records a verification; prints ✓ or ✗ with what was seen. Returns ok. */
  check(name: string, ok: boolean, detail = ""): boolean {
    this.checks.push({ name, ok, detail });
    this.#out(`    ${ok ? "✓" : "✗"} ${name}${detail ? ` — ${detail}` : ""}`);
    return ok;
  }

  figure(name: string, value: string): void {
    this.figures.push([name, value]);
  }

  get passed(): boolean {
    return this.checks.length > 0 && this.checks.every((c) => c.ok);
  }

  printFigures(): void {
    this.#out("\nFigures");
    for (const [name, value] of this.figures) this.#out(`    ${name.padEnd(34)} ${value}`);
  }
}

export const short = (hex: string) => (hex.length > 14 ? `${hex.slice(0, 8)}…${hex.slice(-4)}` : hex);
export const int = (n: number) => n.toLocaleString("en-US");
