/**
 * Imported first by the daemon's entry, so it applies before the rest loads.
 *
 * V8 grows the young generation (semi-spaces, 1 → 16 MB each) after a burst of
 * allocation — registering services, a spell of proxied requests — and rarely
 * gives it back: the same idle daemon measured 73 MB or 83 MB RSS depending on
 * whether that happened. Growth factor 1 keeps 1 MB semi-spaces: more frequent
 * scavenges, each as cheap, since little survives them. Measured side by side:
 * idle RSS steady at ~73 MB, idle CPU unchanged, proxy throughput unchanged.
 * Only the growth factor can be changed at run time (--max-semi-space-size is
 * read at start-up), which keeps the CLI's spawn arguments free of V8 flags.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
