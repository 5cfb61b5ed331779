// thermostat (demo app): a processed event checks temperature sensor 0 every second;
// while it reads above 25 degC the handler publishes the reading and toggles GPIO 0, the
// fan, publishing its new state. The program only registers and returns. As apps/thermostat.c.
const THRESHOLD_MILLI_C = 25000, PERIOD_MS = 1000, FAN_GPIO = 0;

let fanOn = 0;
function onTooWarm(milliC) {
  publish('temperature', milliC);
  fanOn = 1 - fanOn;
  hal.write('gpio', FAN_GPIO, fanOn);
  publish('fan', fanOn);
}

if (hal.probe('temperature') < 1) {
  write('thermostat: no temperature sensor\n');
  return 1;
}
if (!events.on_condition('temperature', 0, '>', THRESHOLD_MILLI_C, PERIOD_MS, onTooWarm)) {
  write('thermostat: event table full\n');
  return 1;
}
write('thermostat: watching temperature > ', THRESHOLD_MILLI_C, ' m-degC\n');
return 0;
