/**
 * One deadline per operation (REQUEST_DEADLINE_MS): WeChat calls never run past it, and
 * any field still waiting when it passes (for a token, a queue slot, a retry) fails with
 * WECHAT_UNAVAILABLE instead of holding the whole response. The caller check and the
 * registry lookup race it too, each failing with its own error (context.ts), so a check
 * cut short still refuses the caller.
 */

/** The operation ran out of time: no single call failed, the budget for all of them passed. */
export class OperationDeadlineError extends Error {
  constructor(readonly budgetMs: number) {
    super(`the operation deadline of ${budgetMs} ms (REQUEST_DEADLINE_MS) passed; raise it if WeChat is slow but answering`);
    this.name = 'OperationDeadlineError';
  }
}

export class OperationDeadline {
  /** Epoch ms. */
  readonly at: number;
  private timer: NodeJS.Timeout | undefined;
  private passed: Promise<never> | undefined;

  constructor(private readonly budgetMs: number) {
    this.at = Date.now() + budgetMs;
  }

  /** Settles as `work` does, or rejects once the deadline passes: with `timedOut()` when given, else an OperationDeadlineError. */
  race<T>(work: Promise<T>, timedOut?: () => Error): Promise<T> {
    if (!this.passed) {
      this.passed = new Promise<never>((_resolve, reject) => {
        this.timer = setTimeout(() => reject(new OperationDeadlineError(this.budgetMs)), Math.max(0, this.at - Date.now()));
        this.timer.unref();
      });
      this.passed.catch(() => undefined); // raced, never awaited alone
    }
    return Promise.race([work, timedOut ? this.passed.catch(() => Promise.reject(timedOut())) : this.passed]);
  }

  /** Frees the timer once the operation has answered. */
  dispose(): void {
    clearTimeout(this.timer);
  }
}
