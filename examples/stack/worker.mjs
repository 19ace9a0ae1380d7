// The example worker: does a unit of work every second until told to stop.
let done = 0;
const timer = setInterval(() => console.log(`processed job ${++done}`), 1000);
process.on('SIGTERM', () => {
  clearInterval(timer);
  process.exit(0);
});
