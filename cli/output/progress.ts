import { createStyle, colorEnabled, type Style } from '../presentation/terminal.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 80;

/**
 * What a long wait is doing: a spinner on a terminal, plain lines otherwise.
 * Progress goes to stderr so stdout stays clean for results and `--json`.
 * Final outcomes (`succeed`, `warn`) go to stdout.
 */
export class Progress {
  private text = '';
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly animated: boolean;
  private readonly style: Style;

  constructor(
    private readonly silent = false,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.animated = !silent && Boolean(stream.isTTY);
    this.style = createStyle(colorEnabled(stream));
  }

  /** Show (or replace) what is happening now. */
  update(text: string): void {
    if (this.silent || text === this.text) return;
    this.text = text;
    if (!this.animated) {
      this.stream.write(`${text}\n`);
      return;
    }
    this.render();
    if (!this.timer) {
      this.timer = setInterval(() => this.render(), FRAME_MS);
      this.timer.unref();
    }
  }

  succeed(text: string): void {
    this.finish(`${this.outStyle().green('✔')} ${text}`);
  }

  warn(text: string): void {
    this.finish(`${this.outStyle().yellow('!')} ${text}`);
  }

  /** Stop the spinner without printing an outcome (e.g. before an error is reported). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.animated && this.text !== '') this.stream.write('\r\x1b[2K');
    this.text = '';
  }

  private finish(line: string): void {
    this.stop();
    if (!this.silent) process.stdout.write(`${line}\n`);
  }

  private outStyle(): Style {
    return createStyle(colorEnabled(process.stdout));
  }

  private render(): void {
    const frame = FRAMES[this.frame++ % FRAMES.length]!;
    this.stream.write(`\r\x1b[2K${this.style.cyan(frame)} ${this.text}`);
  }
}
