/**
 * One deadline per operation (REQUEST_DEADLINE_MS): WeChat calls never run past it, and
 * any field still waiting when it passes (for a token, a queue slot, a retry) fails with
 * WECHAT_UNAVAILABLE instead of holding the whole response.
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

  /** Settles as `work` does, or rejects with a timeout once the deadline passes. */
  race<T>(work: Promise<T>): Promise<T> {
    if (!this.passed) {
      this.passed = new Promise<never>((_resolve, reject) => {
        this.timer = setTimeout(() => reject(new OperationDeadlineError(this.budgetMs)), Math.max(0, this.at - Date.now()));
        this.timer.unref();
      });
      this.passed.catch(() => undefined); // raced, never awaited alone
    }
    return Promise.race([work, this.passed]);
  }

  /** Frees the timer once the operation has answered. */
  dispose(): void {
    clearTimeout(this.timer);
  }
}
