/**
 * Step-by-step progress on the terminal: a spinner with the step, its detail and the elapsed time when the
 * output is a TTY; plain timestamped lines otherwise (CI logs, pipes), printed when the detail changes and at
 * a heartbeat interval.
 */
import { formatDuration } from './duration';

/** Where progress is written. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Reports steps: start → (update…) → succeed | fail. */
export class Progress {
  /** Steps that finished successfully, in order (for the summary after Ctrl-C or a failure). */
  public readonly completed: string[] = [];
  private step: string | undefined;
  private detail = '';
  private started = 0;
  private lastPlain = 0;
  private lastPlainText = '';
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;

  /**
   * @param out the stream (spinner only when `out.isTTY`)
   * @param heartbeatMs plain mode: repeat an unchanged detail line this often
   * @param now clock (tests)
   */
  public constructor(
    private readonly out: ProgressStream,
    private readonly heartbeatMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  private get tty(): boolean {
    return this.out.isTTY === true;
  }

  /** The step in progress, if any. */
  public get current(): string | undefined {
    return this.step;
  }

  /** Milliseconds since the current step started. */
  public get elapsed(): number {
    return this.step ? this.now() - this.started : 0;
  }

  /** Starts a step. */
  public start(step: string): void {
    this.stopSpinner();
    this.step = step;
    this.detail = '';
    this.started = this.now();
    this.lastPlainText = '';
    if (this.tty) {
      this.timer = setInterval(() => this.render(), 100);
      this.timer.unref();
      this.render();
    } else {
      this.line(`… ${step}`);
      this.lastPlain = this.now();
    }
  }

  /** Updates the detail of the current step (e.g. which layer is being waited for). */
  public update(detail: string): void {
    this.detail = detail;
    if (this.tty) {
      this.render();
      return;
    }
    const t = this.now();
    if (detail !== this.lastPlainText || t - this.lastPlain >= this.heartbeatMs) {
      this.line(`  ${detail} (${formatDuration(t - this.started)})`);
      this.lastPlain = t;
      this.lastPlainText = detail;
    }
  }

  /** Ends the current step successfully. */
  public succeed(message?: string): void {
    this.finish('✔', message ?? this.step ?? '');
    if (this.step) this.completed.push(message ?? this.step);
    this.step = undefined;
  }

  /** Ends the current step as failed. */
  public fail(message?: string): void {
    this.finish('✖', message ?? this.step ?? '');
    this.step = undefined;
  }

  /** Records a step that needed no work (converged). */
  public skip(message: string): void {
    this.stopSpinner();
    this.line(`✔ ${message}`);
    this.completed.push(message);
  }

  /** Prints an informational line (above the spinner). */
  public info(text: string): void {
    this.printAbove(`  ${text}`);
  }

  /** Prints a warning line (above the spinner). */
  public warn(text: string): void {
    this.printAbove(`⚠ ${text}`);
  }

  /** Stops the spinner and clears its line (Ctrl-C); the step stays unfinished. */
  public stop(): void {
    this.stopSpinner();
  }

  private finish(mark: string, message: string): void {
    const elapsed = this.step ? ` (${formatDuration(this.now() - this.started)})` : '';
    this.stopSpinner();
    this.line(`${mark} ${message}${elapsed}`);
  }

  private printAbove(text: string): void {
    if (this.tty && this.timer) {
      this.out.write('\r\x1b[2K');
      this.line(text);
      this.render();
    } else {
      this.line(text);
    }
  }

  private render(): void {
    if (!this.step) return;
    this.frame = (this.frame + 1) % FRAMES.length;
    const detail = this.detail ? ` — ${this.detail}` : '';
    this.out.write(`\r\x1b[2K${FRAMES[this.frame]} ${this.step}${detail} (${formatDuration(this.now() - this.started)})`);
  }

  private stopSpinner(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.out.write('\r\x1b[2K');
    }
  }

  private line(text: string): void {
    this.out.write(`${text}\n`);
  }
}
