/**
 * A view's background work (the parallel coordinates' lines from the rows the
 * engine sent): one run at a time; asking again while it runs aborts
 * it and runs once more after it, however often it was asked; `whenIdle()`
 * resolves once a run finished with nothing asked after it (and the host has
 * rendered).
 */

import { LitElement, type ReactiveControllerHost } from 'lit';
import { taskAt } from './tasks.js';

/** The abort flag a run gets; `drive` (tasks.ts) checks it between slices. */
export interface JobSignal {
  readonly aborted: boolean;
}

export class RestartableJob {
  private running: Promise<void> | null = null;
  private rerun = false;
  private signal = { aborted: false };
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly run: (signal: JobSignal) => Promise<void>,
  ) {}

  /** Starts a run, or aborts the one running and runs again after it. */
  schedule(): void {
    if (this.running) {
      this.rerun = true;
      this.signal.aborted = true;
      return;
    }
    const signal = { aborted: false };
    this.signal = signal;
    this.running = this.run(signal).finally(() => {
      this.running = null;
      if (this.rerun) {
        this.rerun = false;
        this.schedule();
      } else {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        void this.host.updateComplete.then(() => waiters.forEach((w) => w()));
      }
    });
  }

  /** Aborts the run in flight (the host left the page). */
  abort(): void {
    this.signal.aborted = true;
  }

  /** Resolves once the work for the latest inputs is done and rendered. */
  async whenIdle(): Promise<void> {
    for (;;) {
      await this.host.updateComplete;
      if (!this.running && !this.rerun) return;
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }
}

/**
 * Resolves in a task of its own, ahead of background row work. A view whose
 * render is heavy (the matrix's thousands of cells) awaits it in lit's
 * `scheduleUpdate`, so each view renders in its own task instead of all of
 * them in the one animation frame that hands them a new result: no task then
 * grows past 50 ms while a brush moves.
 */
export function nextTask(): Promise<void> {
  return taskAt('user-visible');
}

/**
 * A view whose render is heavy: it renders in a task of its own (nextTask),
 * not in the animation frame that hands every view a new result.
 */
export class DeferredView extends LitElement {
  protected override async scheduleUpdate(): Promise<void> {
    await nextTask();
    super.scheduleUpdate();
  }
}
