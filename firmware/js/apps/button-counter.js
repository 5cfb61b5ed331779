// button-counter (demo app): a handler for button presses counts them, publishes the
// count, and every 5th press emits event 100 to the gateway. As apps/button-counter.c.
const MILESTONE_EVERY = 5, EVENT_MILESTONE = 100;

let presses = 0;
function onButton() {
  presses++;
  publish('presses', presses);
  if (presses % MILESTONE_EVERY === 0) events.emit(EVENT_MILESTONE, presses);
}

if (!events.on('button', onButton)) {
  write('button-counter: event table full\n');
  return 1;
}
write('button-counter: counting presses\n');
return 0;
