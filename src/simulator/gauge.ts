/** Concurrent API requests right now and at most since the last reset. */
export class ConcurrencyGauge {
  #inFlight = 0;
  #maxInFlight = 0;

  get inFlight(): number {
    return this.#inFlight;
  }

  get maxInFlight(): number {
    return this.#maxInFlight;
  }

  enter(): void {
    this.#inFlight++;
    if (this.#inFlight > this.#maxInFlight) this.#maxInFlight = this.#inFlight;
  }

  leave(): void {
    this.#inFlight--;
  }

  /** Starts a new maximum from the current level (requests still open keep counting). */
  reset(): void {
    this.#maxInFlight = this.#inFlight;
  }
}
