import { get } from 'node:http';

/** Requests sent back to back by `concurrency` workers until stopped; every non-2xx or error counts as a failure. */
export interface RequestLoop {
  /** Bodies seen so far, in order of arrival. */
  readonly bodies: string[];
  stop(): Promise<{ ok: number; failed: number; failures: string[] }>;
}

export interface RequestLoopOptions {
  /** A new connection for every request (no keep-alive), so the kernel spreads them over every process accepting on the port. */
  freshConnections?: boolean;
}

/** One GET on a connection of its own. */
export function getOnNewConnection(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    }).on('error', reject);
  });
}

async function fetchText(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
}

export function startRequestLoop(url: string, concurrency = 4, options: RequestLoopOptions = {}): RequestLoop {
  const request = options.freshConnections ? getOnNewConnection : fetchText;
  let running = true;
  let ok = 0;
  const failures: string[] = [];
  const bodies: string[] = [];
  const worker = async () => {
    while (running) {
      try {
        const { status, body } = await request(url);
        if (status >= 200 && status < 300) {
          ok++;
          bodies.push(body);
        } else failures.push(`${status} ${body}`);
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
