/**
 * Imported first by the daemon's entry, so it applies before the rest loads.
 *
 * V8 grows the young generation (semi-spaces, 1 → 16 MB each) after a burst of
 * allocation — registering services, a spell of proxied requests — and keeps it
 * while idle. Growth factor 1 keeps 1 MB semi-spaces: more frequent scavenges,
 * each as cheap, since little survives them. Measured side by side (10 echo):
 * idle RSS 72.5–74 MB in 5 of 6 samples against 73–75 without, idle CPU and proxy
 * throughput unchanged. It does not remove every jump: 1 sample in 6 still read
 * ~82 MB (4 in 11 without), so part of that jump is elsewhere than the young generation.
 * Only the growth factor can be changed at run time (--max-semi-space-size is
 * read at start-up), which keeps the CLI's spawn arguments free of V8 flags.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
