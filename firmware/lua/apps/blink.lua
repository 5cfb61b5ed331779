-- blink (demo app): toggles LED 0 every 500 ms, BLINKS times, then exits. Same behaviour
-- as apps/blink.c: LED values 1 on, 0 off; sleeping gives the CPU back to the device.
local BLINKS, PERIOD_MS, LED = 10, 500, 0

local on = 0
for _ = 1, BLINKS do
  on = 1 - on
  if hal.write("led", LED, on) ~= 0 then
    write("blink: no LED 0\n")
    return 1
  end
  sleep_ms(PERIOD_MS)
end
write("blink: ", BLINKS, " toggles\n")
return 0
