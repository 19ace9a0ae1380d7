// CSI/OSC escape sequences and other control characters a service may print.
const ESCAPES = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f]/g;

/** A log line made safe to draw: no escape sequences or control characters that would move the cursor. */
export function printable(line: string): string {
  return line.replace(ESCAPES, '').replace(/\t/g, '  ').replace(CONTROLS, '');
}
