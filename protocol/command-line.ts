/** Split a command line into words, honouring '…', "…" and backslash escapes (no expansion). */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const char = line.charAt(i);
    if (quote) {
      if (char === quote) quote = null;
      else if (char === '\\' && quote === '"' && i + 1 < line.length) word += line.charAt(++i);
      else word += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (char === '\\' && i + 1 < line.length) {
      word += line.charAt(++i);
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** `key=value key2=value2` into a record; words without `=` are reported. */
export function parseOptions(text: string): { options: Record<string, string>; bad: string[] } {
  const options: Record<string, string> = {};
  const bad: string[] = [];
  for (const word of splitCommandLine(text)) {
    const equals = word.indexOf('=');
    if (equals <= 0) bad.push(word);
    else options[word.slice(0, equals)] = word.slice(equals + 1);
  }
  return { options, bad };
}
