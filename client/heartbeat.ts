/** A membership's running heartbeat, over the socket or the bus: `leave` stops it and leaves at once. */
export interface Heartbeat {
  leave(): Promise<void>;
}

/** What every way of joining is told. */
export interface MemberIdentity {
  name: string;
  url: string;
  /** A heartbeat that failed (daemon or Redis restarting, gone): the next one tries again. */
  onError(error: Error): void;
}
