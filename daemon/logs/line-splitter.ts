import { StringDecoder } from 'node:string_decoder';

export interface LineSplitter {
  push(chunk: Buffer | string): void;
  /** Emits a held partial last line, if any. */
  end(): void;
}

/** Past this a line without a newline is emitted in pieces, so a runaway writer cannot exhaust memory. */
export const DEFAULT_MAX_LINE_CHARS = 8 * 1024 * 1024;

/**
 * Splits raw output into lines: a partial last line waits for the next chunk,
 * `\r\n` loses its `\r`, and utf-8 sequences split across chunks decode whole.
 */
export function createLineSplitter(emit: (text: string) => void, maxLineChars = DEFAULT_MAX_LINE_CHARS): LineSplitter {
  const decoder = new StringDecoder('utf8');
  let held = '';
  let ended = false;

  const emitLine = (text: string): void => {
    emit(text.endsWith('\r') ? text.slice(0, -1) : text);
  };

  const consume = (fresh: string): void => {
    if (fresh.length === 0) return;
    const text = held + fresh;
    let start = 0;
    // The held part has no newline: search only the fresh text.
    let newline = text.indexOf('\n', held.length);
    while (newline !== -1) {
      emitLine(text.slice(start, newline));
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    held = start === 0 ? text : text.slice(start);
    while (held.length > maxLineChars) {
      emit(held.slice(0, maxLineChars));
      held = held.slice(maxLineChars);
    }
  };

  return {
    push(chunk) {
      if (ended) return;
      consume(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    },
    end() {
      if (ended) return;
      ended = true;
      consume(decoder.end());
      if (held.length > 0) emitLine(held);
      held = '';
    },
  };
}
