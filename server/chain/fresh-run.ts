// Shares one run of an async task among concurrent callers, but never a run that began before a caller asked:
// a caller arriving while a run is in flight gets the next one (at most one is queued). So every caller sees
// the effect of a run started after its call, however many callers there are, at the cost of at most two runs.
export class FreshRun<T> {
  readonly #task: () => Promise<T>;
  #running: Promise<T> | undefined;
  #queued: Promise<T> | undefined;

  constructor(task: () => Promise<T>) {
    this.#task = task;
  }

  run(): Promise<T> {
    if (this.#queued !== undefined) return this.#queued;
    const running = this.#running;
    if (running === undefined) return this.#start();
    const queued = running.then(() => {}, () => {}).then(() => {
      this.#queued = undefined;
      return this.#start();
    });
    this.#queued = queued;
    return queued;
  }

  #start(): Promise<T> {
    const run = Promise.resolve().then(this.#task);
    this.#running = run;
    const clear = () => { if (this.#running === run) this.#running = undefined; };
    run.then(clear, clear);
    return run;
  }
}
