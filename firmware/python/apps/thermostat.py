# thermostat (demo app): a processed event checks temperature sensor 0 every second;
# while it reads above 25 degC the handler publishes the reading and toggles GPIO 0, the
# fan, publishing its new state. The program only registers and returns. As apps/thermostat.c.
THRESHOLD_MILLI_C, PERIOD_MS, FAN_GPIO = 25000, 1000, 0

fan_on = 0


def on_too_warm(milli_c):
    global fan_on
    publish("temperature", milli_c)
    fan_on = 1 - fan_on
    hal.write("gpio", FAN_GPIO, fan_on)
    publish("fan", fan_on)


if hal.probe("temperature") < 1:
    print("thermostat: no temperature sensor")
    exit(1)
if not events.on_condition("temperature", 0, ">", THRESHOLD_MILLI_C, PERIOD_MS, on_too_warm):
    print("thermostat: event table full")
    exit(1)
print("thermostat: watching temperature > " + str(THRESHOLD_MILLI_C) + " m-degC")
