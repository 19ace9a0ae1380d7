import { Redis } from 'ioredis';
import { BUS_CHANNELS, BusMember, BusUrl, describeZodError, maskBusUrl } from '../protocol/index.js';
import type { Heartbeat, MemberIdentity } from './heartbeat.js';

const RECONNECT_CAP_MS = 2000;

/**
 * Join every daemon on the Redis bus `bus`: an ack on `herve:ack` now and in answer to each
 * heartbeat; a leave on `herve:leave`. Redis restarted: ioredis reconnects and resubscribes.
 */
export async function joinOverBus(member: MemberIdentity, bus: string): Promise<Heartbeat> {
  const busUrl = BusUrl.safeParse(bus);
  if (!busUrl.success) throw new Error(`cannot join: the bus ${describeZodError(busUrl.error)}`);
  const identity = BusMember.safeParse({ name: member.name, url: member.url });
  if (!identity.success) throw new Error(`cannot join: ${describeZodError(identity.error)}`);
  const body = JSON.stringify(identity.data);

  const common = {
    retryStrategy: (times: number) => Math.min(times * 100, RECONNECT_CAP_MS),
    connectionName: `herve-member-${member.name}`,
    lazyConnect: true,
  };
  // An ack that cannot go now is dropped, never queued: the next heartbeat asks again.
  const publisher = new Redis(bus, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  const subscriber = new Redis(bus, { ...common, maxRetriesPerRequest: null });
  const connections = [publisher, subscriber];
  // ioredis rejects a failed connect with "Connection is closed"; the reason came as an error event.
  let firstError: Error | undefined;
  for (const connection of connections) {
    connection.on('error', (error: Error) => {
      firstError ??= error;
      member.onError(error);
    });
  }
  const closeAll = () => {
    for (const connection of connections) connection.disconnect();
  };

  let left = false;
  try {
    await Promise.all(connections.map((connection) => connection.connect()));
    subscriber.on('message', (channel: string) => {
      // A heartbeat read before the leave must not be answered after it.
      if (channel === BUS_CHANNELS.heartbeat && !left) publisher.publish(BUS_CHANNELS.ack, body).catch((error: Error) => member.onError(error));
    });
    await subscriber.subscribe(BUS_CHANNELS.heartbeat);
    await publisher.publish(BUS_CHANNELS.ack, body);
  } catch (error) {
    closeAll();
    throw new Error(`cannot join over the bus ${maskBusUrl(bus)}: ${(firstError ?? (error as Error)).message}`);
  }

  return {
    async leave() {
      left = true;
      subscriber.disconnect();
      try {
        await publisher.publish(BUS_CHANNELS.leave, body);
      } finally {
        publisher.disconnect();
      }
    },
  };
}
