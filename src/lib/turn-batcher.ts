import { setImmediate } from 'node:timers';

interface PendingCall<Input, Output> {
  readonly input: Input;
  resolve(output: Output): void;
  reject(error: unknown): void;
}

/**
 * Gathers the calls made during one turn of the event loop and runs them as one batch once the
 * turn's I/O callbacks are done (`setImmediate`): requests whose data arrived together share one
 * database transaction instead of one each. A call made on an idle server waits only for the
 * end of its own turn.
 *
 * A batch that fails is run again call by call, so one call's bad input (a duplicate id, say)
 * fails that call alone; a failure that is not about one call (the database is down) then fails
 * each of them on its own, as it would have without batching.
 */
export class TurnBatcher<Input, Output> {
  readonly #run: (inputs: readonly Input[]) => Promise<readonly Output[]>;
  #pending: PendingCall<Input, Output>[] = [];
  #scheduled = false;

  /** `run` answers the inputs in order, one output each, all or nothing. */
  constructor(run: (inputs: readonly Input[]) => Promise<readonly Output[]>) {
    this.#run = run;
  }

  call(input: Input): Promise<Output> {
    return new Promise<Output>((resolve, reject) => {
      this.#pending.push({ input, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 1) {
      this.#answer(batch);
      return;
    }
    try {
      const outputs = await this.#ran(batch);
      batch.forEach((call, index) => call.resolve(outputs[index] as Output));
    } catch {
      for (const call of batch) this.#answer([call]);
    }
  }

  /** Runs `calls` and settles each of them with its own output or the batch's error. */
  #answer(calls: readonly PendingCall<Input, Output>[]): void {
    this.#ran(calls).then(
      (outputs) => calls.forEach((call, index) => call.resolve(outputs[index] as Output)),
      (error: unknown) => calls.forEach((call) => call.reject(error)),
    );
  }

  async #ran(calls: readonly PendingCall<Input, Output>[]): Promise<readonly Output[]> {
    const outputs = await this.#run(calls.map((call) => call.input));
    if (outputs.length !== calls.length) {
      throw new Error(`a batch of ${calls.length} calls answered ${outputs.length}`);
    }
    return outputs;
  }
}
