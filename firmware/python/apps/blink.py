# blink (demo app): toggles LED 0 every 500 ms, BLINKS times, then exits. Same behaviour
# as apps/blink.c: LED values 1 on, 0 off; `await sleep_ms()` gives the CPU back.
BLINKS, PERIOD_MS, LED = 10, 500, 0

on = 0
for _ in range(BLINKS):
    on = 1 - on
    if hal.write("led", LED, on) != 0:
        print("blink: no LED 0")
        exit(1)
    await sleep_ms(PERIOD_MS)
print("blink: " + str(BLINKS) + " toggles")
