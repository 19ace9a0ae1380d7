import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { BUS_CHANNELS, maskBusUrl, parseBusMember, type AnnounceParams, type BusHeartbeat } from '../../protocol/index.js';
import { describeError } from '../shared/errors.js';
import type { BusSettings } from '../startup/bus-settings.js';

/** What the bus needs of the orchestrator: members join (again) and leave as over the socket. */
export interface BusMembership {
  announce(params: AnnounceParams): unknown;
  leave(name: string, url: string): unknown;
}

const RECONNECT_CAP_MS = 2000;
/** Distinct complaints about bad messages kept, so a chatty bad publisher is logged once. */
const COMPLAINTS_KEPT = 100;

/**
 * Herve's side of the Redis bus: a heartbeat on `herve:heartbeat` every beat, and every ack on
 * `herve:ack` counted as an announcement whose TTL is the missed beats. Redis down or restarted:
 * ioredis reconnects (and resubscribes) without end; each change of the link is logged once.
 */
export class RedisBus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly beatTimer: NodeJS.Timeout;
  private readonly shownUrl: string;
  private readonly daemonId = `${hostname()}:${process.pid}`;
  private readonly complaints = new Set<string>();
  private beat = 0;
  private connected = false;
  private lastError: string | null = null;

  constructor(
    private readonly settings: BusSettings,
    private readonly members: BusMembership,
    private readonly log: (message: string) => void,
  ) {
    this.shownUrl = maskBusUrl(settings.url);
    const common = {
      retryStrategy: (times: number) => Math.min(times * 100, RECONNECT_CAP_MS),
      connectionName: 'herve-daemon',
    };
    // A heartbeat that cannot go now is skipped, never queued for a burst on reconnect.
    this.publisher = new Redis(settings.url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    this.subscriber = new Redis(settings.url, { ...common, maxRetriesPerRequest: null });
    for (const connection of [this.publisher, this.subscriber]) {
      connection.on('ready', () => this.linkChanged());
      connection.on('close', () => this.linkChanged());
      connection.on('error', (error: Error) => this.failed(error));
    }
    this.subscriber.on('message', (channel: string, message: string) => this.received(channel, message));
    this.subscriber.subscribe(BUS_CHANNELS.ack, BUS_CHANNELS.leave).catch((error: Error) => this.failed(error));
    this.beatTimer = setInterval(() => this.publishBeat(), settings.beatMs);
    log(`bus: ${this.shownUrl}, a heartbeat every ${settings.beatMs} ms, members out of routing after ${settings.missedBeats} missed`);
  }

  close(): void {
    clearInterval(this.beatTimer);
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }

  private linkChanged(): void {
    const connected = this.publisher.status === 'ready' && this.subscriber.status === 'ready';
    if (connected === this.connected) return;
    this.connected = connected;
    this.lastError = null;
    this.log(connected ? `bus: connected to ${this.shownUrl}` : `bus: lost the connection to ${this.shownUrl}, reconnecting`);
    // Members answer at once, rather than a beat later.
    if (connected) this.publishBeat();
  }

  private failed(error: Error): void {
    const message = describeError(error);
    if (message === this.lastError) return;
    this.lastError = message;
    this.log(`bus: ${this.shownUrl}: ${message}`);
  }

  private publishBeat(): void {
    if (this.publisher.status !== 'ready') return;
    const heartbeat: BusHeartbeat = {
      daemon: this.daemonId,
      beat: this.beat++,
      beatMs: this.settings.beatMs,
      missedBeats: this.settings.missedBeats,
    };
    this.publisher.publish(BUS_CHANNELS.heartbeat, JSON.stringify(heartbeat)).catch((error: Error) => this.failed(error));
  }

  private received(channel: string, message: string): void {
    const member = parseBusMember(message);
    if (typeof member === 'string') {
      this.complain(channel, member);
      return;
    }
    try {
      if (channel === BUS_CHANNELS.leave) this.members.leave(member.name, member.url);
      else this.members.announce({ ...member, ttl: (this.settings.beatMs * this.settings.missedBeats) / 1000 });
    } catch (error) {
      // Leaving a service this daemon never saw is nothing to report.
      if (channel === BUS_CHANNELS.ack) this.complain(channel, describeError(error));
    }
  }

  private complain(channel: string, problem: string): void {
    const text = `bus: ignored a message on ${channel}: ${problem}`;
    if (this.complaints.has(text)) return;
    if (this.complaints.size >= COMPLAINTS_KEPT) this.complaints.clear();
    this.complaints.add(text);
    this.log(text);
  }
}
