-- thermostat (demo app): a processed event checks temperature sensor 0 every second;
-- while it reads above 25 degC the handler publishes the reading and toggles GPIO 0, the
-- fan, publishing its new state. The chunk only registers and returns. As apps/thermostat.c.
local THRESHOLD_MILLI_C, PERIOD_MS, FAN_GPIO = 25000, 1000, 0

local fan_on = 0
local function on_too_warm(milli_c)
  publish("temperature", milli_c)
  fan_on = 1 - fan_on
  hal.write("gpio", FAN_GPIO, fan_on)
  publish("fan", fan_on)
end

if hal.probe("temperature") < 1 then
  write("thermostat: no temperature sensor\n")
  return 1
end
if not events.on_condition("temperature", 0, ">", THRESHOLD_MILLI_C, PERIOD_MS, on_too_warm) then
  write("thermostat: event table full\n")
  return 1
end
write("thermostat: watching temperature > ", THRESHOLD_MILLI_C, " m-degC\n")
return 0
