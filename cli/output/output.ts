/** Write everything in one call and resolve once it is handed to the OS (fast and safe before exit). */
export function writeOut(text: string, stream: NodeJS.WriteStream = process.stdout): Promise<void> {
  if (text.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    stream.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

export function writeJson(value: unknown): Promise<void> {
  return writeOut(`${JSON.stringify(value, null, 2)}\n`);
}
