#!/usr/bin/env node
// @ts-check
// The Host allow-list's cost per request (run on demand, not a test): ns per check, for the
// Host headers the front door sees most, next to route matching, which every request already
// pays. It runs on every proxied request and websocket upgrade. On a busy machine the absolute
// figures swell; compare the lines of one run.
import { HostAllowList } from '../dist/daemon/proxy/host-allow-list.js';
import { matchService } from '../dist/daemon/proxy/route-match.js';

const ITERATIONS = 5_000_000;
const ROUNDS = 5;
const routeHosts = new Set(['api.test', 'web.test']);
const list = new HostAllowList({ hosts: ['dev.test', '*.corp.test'], routeHosts: () => routeHosts });
const cases = {
  'localhost:5000': 'localhost:5000',
  '127.0.0.1:5000': '127.0.0.1:5000',
  '[::1]:5000': '[::1]:5000',
  'echo.localhost:5000': 'echo.localhost:5000',
  'api.test:5000 (route host)': 'api.test:5000',
  'evil.example.com:5000 (refused)': 'evil.example.com:5000',
};

/**
 * @param {(host: string) => boolean} check
 * @param {string} host
 */
function nsPerCall(check, host) {
  let allowed = 0;
  const began = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) if (check(host)) allowed++;
  const ns = Number(process.hrtime.bigint() - began) / ITERATIONS;
  if (allowed === -1) console.log('unreachable');
  return ns;
}

/** @param {number[]} values */
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
/** @param {string} host */
const empty = (host) => host.length > 0;
const baseline = median(Array.from({ length: ROUNDS }, () => nsPerCall(empty, 'localhost:5000')));
console.log(`loop baseline ${baseline.toFixed(1)} ns; ${ITERATIONS.toLocaleString()} checks × ${ROUNDS} rounds, median, baseline subtracted`);
const routing = median(
  Array.from({ length: ROUNDS }, () => nsPerCall((/** @type {string} */ host) => matchService('/echo/hello?x=1', host) !== null, 'localhost:5000')),
);
console.log(`  ${'for scale: matchService, /echo/hello'.padEnd(34)} ${(routing - baseline).toFixed(1).padStart(6)} ns`);
for (const [label, host] of Object.entries(cases)) {
  const ns = median(Array.from({ length: ROUNDS }, () => nsPerCall((/** @type {string} */ value) => list.allows(value), host)));
  console.log(`  ${label.padEnd(34)} ${(ns - baseline).toFixed(1).padStart(6)} ns`);
}
