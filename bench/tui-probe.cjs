// Preloaded (`node --require`) into a dashboard by `npm run bench -- tui --where`: on SIGUSR2 it
// writes to $HERVE_BENCH_PROBE the process's memory as V8 sees it, before and after a full GC.
const { writeFileSync } = require('node:fs');
const { getHeapSpaceStatistics, setFlagsFromString } = require('node:v8');
const { runInNewContext } = require('node:vm');

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

function reading() {
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, { size: space.space_size, used: space.space_used_size }]));
  return { memory: process.memoryUsage(), spaces };
}

process.on('SIGUSR2', () => {
  const before = reading();
  gc();
  writeFileSync(process.env.HERVE_BENCH_PROBE, JSON.stringify({ before, after: reading() }));
});
