/**
 * The monitor kept beside every instance: a `/bin/sh` (about 1.7 MB RSS, no CPU while it waits; a node
 * monitor would cost about 40 MB) that outlives the daemon. It makes two FIFOs the service writes its
 * stdout and stderr into and holds them open, so the service never gets SIGPIPE while no daemon reads
 * (output waits in the pipe buffer, 64 KiB, then the service blocks, as under Docker's live-restore);
 * it starts the service in a session and process group of its own (signals go there, never to the
 * monitor), and records the service's exit status in a file even when no daemon runs.
 *
 * Arguments: $1 the run directory, then the command and its arguments. Files: `<dir>/<monitor pid>.out`,
 * `.err`, `.exit`. It prints `pid <service pid>` or `spawn-error <message>` on stdout, then detaches from it.
 */
export const MONITOR_SCRIPT = `
base="$1/$$"; shift
# A file left by an earlier monitor with this pid (rm only then: each exec costs time under load).
if [ -e "$base.out" ] || [ -e "$base.err" ] || [ -e "$base.exit" ]; then rm -f "$base.out" "$base.err" "$base.exit"; fi
mkfifo -m 600 "$base.out" "$base.err" || exit 125
exec 3<>"$base.out" 4<>"$base.err"
if ! command -v "$1" >/dev/null 2>&1; then echo "spawn-error spawn $1 ENOENT: no such command"; exit 127; fi
setsid "$@" </dev/null >&3 2>&4 3>&- 4>&- &
child=$!
echo "pid $child"
exec >/dev/null 2>&1
trap '' TERM INT HUP QUIT PIPE
wait "$child"
echo "$?" > "$base.exit"
`;

/** The process name the monitor shows in ps ($0). */
export const MONITOR_NAME = 'herve-monitor';
