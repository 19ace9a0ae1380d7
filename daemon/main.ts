#!/usr/bin/env node
/**
 * The daemon's entry: `node dist/daemon/main.js [--port N] [--allow-host HOST]… [--https] [--https-port N]`
 * (the bus comes in HERVE_BUS, never in the arguments: `ps` would show its password).
 * `herve up` runs it detached with its output sent to daemon.log; `herve up --foreground` attached.
 * Its one V8 setting is in startup/heap-flags.ts (why no other: README, Performance).
 */
import './startup/heap-flags.js';

// A static import would have V8 parse the whole module graph before heap-flags.ts runs, and that
// parse is the start's biggest allocation: the young generation would grow during it and stay grown.
await import('./startup/run-daemon.js');
