import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { listPids } from '../../platform/proc.js';

const LISTEN = '0A';

/** The process listening on a TCP port, found through /proc; null when it cannot be seen (another user's, or gone). */
export function findPortHolder(port: number): { pid: number; command: string } | null {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return null;
  for (const pid of listPids() ?? []) {
    for (const fd of safeReaddir(`/proc/${pid}/fd`)) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode !== undefined && inodes.has(inode)) return { pid, command: commandLine(pid) };
    }
  }
  return null;
}

/** Socket inodes listening on `port`, from /proc/net/tcp and tcp6. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const row of text.split('\n').slice(1)) {
      // local_address is ADDR:PORT (field 1), state field 3, inode field 9.
      const [, localAddress, , state, , , , , , inode] = row.trim().split(/\s+/);
      if (inode !== undefined && localAddress?.endsWith(`:${hexPort}`) && state === LISTEN) inodes.add(inode);
    }
  }
  return inodes;
}

function commandLine(pid: number): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\u0000')
      .filter((arg) => arg.length > 0);
    return args.join(' ').slice(0, 200);
  } catch {
    return '?';
  }
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
