import { SocketDaemonClient } from '../cli/client/index.js';
import type { Heartbeat, MemberIdentity } from './heartbeat.js';

const HELLO_TIMEOUT_MS = 5_000;

/** Announce to the daemon on `socket` now (a refusal throws), then every ttl/3 seconds. */
export async function joinOverSocket(member: MemberIdentity, socket: string, ttl: number): Promise<Heartbeat> {
  const params = { name: member.name, url: member.url, ttl };
  let client: SocketDaemonClient | undefined;

  const connected = async (): Promise<SocketDaemonClient> => {
    if (client) return client;
    const fresh = await SocketDaemonClient.connect(socket, `herve-join ${member.name}`, {
      helloTimeoutMs: HELLO_TIMEOUT_MS,
    });
    fresh.onClose(() => {
      if (client === fresh) client = undefined;
    });
    client = fresh;
    return fresh;
  };
  const announce = async () => (await connected()).call('announce', params);

  await announce();
  const beat = setInterval(
    () => {
      announce().catch((error: Error) => {
        client?.close();
        client = undefined;
        member.onError(error);
      });
    },
    (ttl * 1000) / 3,
  );
  // The service's own server keeps the process alive; the heartbeat alone must not.
  beat.unref();

  return {
    async leave() {
      clearInterval(beat);
      try {
        await (await connected()).call('leave', { name: member.name, url: member.url });
      } finally {
        client?.close();
      }
    },
  };
}
