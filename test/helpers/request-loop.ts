/** Requests sent back to back by `concurrency` workers until stopped; every non-2xx or error counts as a failure. */
export interface RequestLoop {
  /** Bodies seen so far, in order of arrival. */
  readonly bodies: string[];
  stop(): Promise<{ ok: number; failed: number; failures: string[] }>;
}

export function startRequestLoop(url: string, concurrency = 4): RequestLoop {
  let running = true;
  let ok = 0;
  const failures: string[] = [];
  const bodies: string[] = [];
  const worker = async () => {
    while (running) {
      try {
        const response = await fetch(url);
        const body = await response.text();
        if (response.ok) {
          ok++;
          bodies.push(body);
        } else failures.push(`${response.status} ${body}`);
      } catch (error) {
        failures.push(String((error as Error).cause ?? error));
      }
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  return {
    bodies,
    async stop() {
      running = false;
      await Promise.all(workers);
      return { ok, failed: failures.length, failures: failures.slice(0, 5) };
    },
  };
}
