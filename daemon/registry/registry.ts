import Database from 'better-sqlite3';
import { z } from 'zod';
import { DesiredState, EnvMap, HealthSpec, RestartSpec, ServiceRoute, StopSignal, WatchSpec } from '../../protocol/index.js';

/** A registered service as stored: what to run and what is meant to happen to it. */
export interface ServiceRecord {
  uuid: string;
  name: string;
  type: string;
  description: string;
  command: string;
  args: string[];
  cwd: string | null;
  env: Record<string, string>;
  options: Record<string, string>;
  replicas: number;
  health: HealthSpec;
  restart: RestartSpec;
  /** Fixed port, or null for a free one per instance. */
  port: number | null;
  route: ServiceRoute;
  stop: { signal: StopSignal; graceMs: number };
  watch: WatchSpec | null;
  /** The project file it came from; null when registered by hand. */
  source: string | null;
  /** The services it starts after and stops before (a project file's depends_on). */
  dependsOn: string[];
  desired: DesiredState;
  createdAt: number;
  restarts: number;
}

/** A running instance as recorded, so a later daemon can find (and reap or re-adopt) it. */
export interface InstanceRecord {
  serviceUuid: string;
  index: number;
  pid: number;
  pgid: number;
  port: number | null;
  /** /proc/<pid>/stat starttime: tells a reused pid apart. */
  startTime: string;
  /** The monitor that owns its output and records its exit (null for instances run without one). */
  monitorPid?: number | null;
  monitorStartTime?: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS services (
  uuid TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  description TEXT NOT NULL,
  command TEXT NOT NULL,
  args TEXT NOT NULL,
  cwd TEXT,
  env TEXT NOT NULL,
  options TEXT NOT NULL,
  replicas INTEGER NOT NULL,
  health TEXT NOT NULL,
  restart TEXT NOT NULL,
  desired TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  restarts INTEGER NOT NULL DEFAULT 0,
  extra TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS instances (
  service_uuid TEXT NOT NULL,
  idx INTEGER NOT NULL,
  pid INTEGER NOT NULL,
  pgid INTEGER NOT NULL,
  port INTEGER,
  start_time TEXT NOT NULL,
  monitor_pid INTEGER,
  monitor_start_time TEXT,
  PRIMARY KEY (service_uuid, idx)
);
`;

interface ServiceRow {
  uuid: string;
  name: string;
  type: string;
  description: string;
  command: string;
  args: string;
  cwd: string | null;
  env: string;
  options: string;
  replicas: number;
  health: string;
  restart: string;
  desired: string;
  created_at: number;
  restarts: number;
  extra: string;
}

interface InstanceRow {
  service_uuid: string;
  idx: number;
  pid: number;
  pgid: number;
  port: number | null;
  start_time: string;
  monitor_pid: number | null;
  monitor_start_time: string | null;
}

const StringList = z.array(z.string());
const OptionMap = z.record(z.string(), z.string());

/** Fields added after schema version 1, kept in one JSON column so later ones need no migration. */
const Extra = z.object({
  port: z.number().int().nullable().default(null),
  route: ServiceRoute.optional(),
  stop: z.object({ signal: StopSignal, graceMs: z.number().int().min(0) }).optional(),
  watch: WatchSpec.nullable().default(null),
  source: z.string().nullable().default(null),
  dependsOn: z.array(z.string()).default([]),
});

function parseJson<T>(schema: z.ZodType<T>, text: string): T {
  return schema.parse(JSON.parse(text));
}

function toServiceRecord(row: ServiceRow): ServiceRecord {
  const restart = parseJson(RestartSpec, row.restart);
  const extra = parseJson(Extra, row.extra);
  return {
    uuid: row.uuid,
    name: row.name,
    type: row.type,
    description: row.description,
    command: row.command,
    args: parseJson(StringList, row.args),
    cwd: row.cwd,
    env: parseJson(EnvMap, row.env),
    options: parseJson(OptionMap, row.options),
    replicas: row.replicas,
    health: parseJson(HealthSpec, row.health),
    restart,
    port: extra.port,
    route: extra.route ?? { path: `/${row.name}`, hosts: [] },
    stop: extra.stop ?? { signal: 'SIGTERM', graceMs: restart.stopGraceMs },
    watch: extra.watch,
    source: extra.source,
    dependsOn: extra.dependsOn,
    desired: DesiredState.parse(row.desired),
    createdAt: row.created_at,
    restarts: row.restarts,
  };
}

function toInstanceRecord(row: InstanceRow): InstanceRecord {
  return {
    serviceUuid: row.service_uuid,
    index: row.idx,
    pid: row.pid,
    pgid: row.pgid,
    port: row.port,
    startTime: row.start_time,
    monitorPid: row.monitor_pid,
    monitorStartTime: row.monitor_start_time,
  };
}

function toServiceRow(record: ServiceRecord): ServiceRow {
  return {
    uuid: record.uuid,
    name: record.name,
    type: record.type,
    description: record.description,
    command: record.command,
    args: JSON.stringify(record.args),
    cwd: record.cwd,
    env: JSON.stringify(record.env),
    options: JSON.stringify(record.options),
    replicas: record.replicas,
    health: JSON.stringify(record.health),
    restart: JSON.stringify(record.restart),
    desired: record.desired,
    created_at: record.createdAt,
    restarts: record.restarts,
    extra: JSON.stringify({
      port: record.port,
      route: record.route,
      stop: record.stop,
      watch: record.watch,
      source: record.source,
      dependsOn: record.dependsOn,
    }),
  };
}

/** The service registry and instance records in SQLite (WAL). Synchronous and small on purpose. */
export class Registry {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.migrate();
    this.statements = {
      listServices: this.db.prepare<[], ServiceRow>('SELECT * FROM services ORDER BY created_at, name'),
      insertService: this.db.prepare(
        `INSERT INTO services (uuid, name, type, description, command, args, cwd, env, options, replicas, health, restart, desired, created_at, restarts, extra)
         VALUES (@uuid, @name, @type, @description, @command, @args, @cwd, @env, @options, @replicas, @health, @restart, @desired, @created_at, @restarts, @extra)`,
      ),
      updateSpec: this.db.prepare(
        `UPDATE services SET type = @type, description = @description, command = @command, args = @args, cwd = @cwd, env = @env,
         options = @options, replicas = @replicas, health = @health, restart = @restart, extra = @extra WHERE uuid = @uuid`,
      ),
      deleteService: this.db.prepare<[string]>('DELETE FROM services WHERE uuid = ?'),
      setDesired: this.db.prepare<[string, string]>('UPDATE services SET desired = ? WHERE uuid = ?'),
      setRestarts: this.db.prepare<[number, string]>('UPDATE services SET restarts = ? WHERE uuid = ?'),
      listInstances: this.db.prepare<[], InstanceRow>('SELECT * FROM instances ORDER BY service_uuid, idx'),
      upsertInstance: this.db.prepare(
        `INSERT OR REPLACE INTO instances (service_uuid, idx, pid, pgid, port, start_time, monitor_pid, monitor_start_time)
         VALUES (@service_uuid, @idx, @pid, @pgid, @port, @start_time, @monitor_pid, @monitor_start_time)`,
      ),
      deleteInstance: this.db.prepare<[string, number, number]>('DELETE FROM instances WHERE service_uuid = ? AND idx = ? AND pid = ?'),
      deleteServiceInstances: this.db.prepare<[string]>('DELETE FROM instances WHERE service_uuid = ?'),
      deleteAllInstances: this.db.prepare('DELETE FROM instances'),
    };
  }

  listServices(): ServiceRecord[] {
    return this.statements.listServices.all().map(toServiceRecord);
  }

  /** Throws SQLITE_CONSTRAINT_UNIQUE on a duplicate name; callers check names first. */
  insertService(record: ServiceRecord): void {
    this.statements.insertService.run(toServiceRow(record));
  }

  /** Replace what to run (not the name, uuid, desired state or counters). */
  updateSpec(record: ServiceRecord): void {
    const { uuid, type, description, command, args, cwd, env, options, replicas, health, restart, extra } = toServiceRow(record);
    this.statements.updateSpec.run({ uuid, type, description, command, args, cwd, env, options, replicas, health, restart, extra });
  }

  /** Version 2 added the instances' monitors and the services' `extra` column; version 1 had neither. */
  private migrate(): void {
    const columnsOf = (table: string) =>
      this.db
        .prepare<[], { name: string }>(`PRAGMA table_info(${table})`)
        .all()
        .map((column) => column.name);
    if (!columnsOf('services').includes('extra')) this.db.exec(`ALTER TABLE services ADD COLUMN extra TEXT NOT NULL DEFAULT '{}'`);
    if (!columnsOf('instances').includes('monitor_pid')) {
      this.db.exec('ALTER TABLE instances ADD COLUMN monitor_pid INTEGER; ALTER TABLE instances ADD COLUMN monitor_start_time TEXT;');
    }
    if (this.db.pragma('user_version', { simple: true }) !== 2) this.db.pragma('user_version = 2');
  }

  deleteService(uuid: string): void {
    this.db.transaction(() => {
      this.statements.deleteServiceInstances.run(uuid);
      this.statements.deleteService.run(uuid);
    })();
  }

  setDesired(uuid: string, desired: DesiredState): void {
    this.statements.setDesired.run(desired, uuid);
  }

  setRestarts(uuid: string, restarts: number): void {
    this.statements.setRestarts.run(restarts, uuid);
  }

  listInstances(): InstanceRecord[] {
    return this.statements.listInstances.all().map(toInstanceRecord);
  }

  recordInstance(record: InstanceRecord): void {
    this.statements.upsertInstance.run({
      service_uuid: record.serviceUuid,
      idx: record.index,
      pid: record.pid,
      pgid: record.pgid,
      port: record.port,
      start_time: record.startTime,
      monitor_pid: record.monitorPid ?? null,
      monitor_start_time: record.monitorStartTime ?? null,
    });
  }

  /** Forget an instance, only if the record still names that pid (a newer spawn may have replaced it). */
  forgetInstance(serviceUuid: string, index: number, pid: number): void {
    this.statements.deleteInstance.run(serviceUuid, index, pid);
  }

  forgetAllInstances(): void {
    this.statements.deleteAllInstances.run();
  }

  close(): void {
    this.db.close();
  }
}
