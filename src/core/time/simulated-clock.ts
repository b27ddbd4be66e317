import type { Clock } from './clock.ts';

/**
 * A clock the playground can move: it runs at the pace of the clock it wraps, shifted by an
 * offset, so a visitor can jump to October or next spring and still see time pass. The engine,
 * the bot and the reminder sweep all read it, so moving it moves everything together.
 */
export class SimulatedClock implements Clock {
  readonly #base: Clock;
  #offsetMs = 0;

  constructor(base: Clock) {
    this.#base = base;
  }

  now(): Date {
    return new Date(this.#base.now().getTime() + this.#offsetMs);
  }

  /** From now on, `now()` is `instant` plus however long has passed since. */
  set(instant: Date): void {
    this.#offsetMs = instant.getTime() - this.#base.now().getTime();
  }
}
