// blink (demo app): toggles LED 0 every 500 ms, BLINKS times, then exits. Same behaviour
// as apps/blink.c: LED values 1 on, 0 off; `yield sleep_ms()` gives the CPU back.
const BLINKS = 10, PERIOD_MS = 500, LED = 0;

let on = 0;
for (let i = 0; i < BLINKS; i++) {
  on = 1 - on;
  if (hal.write('led', LED, on) !== 0) {
    write('blink: no LED 0\n');
    return 1;
  }
  yield sleep_ms(PERIOD_MS);
}
write('blink: ', BLINKS, ' toggles\n');
return 0;
