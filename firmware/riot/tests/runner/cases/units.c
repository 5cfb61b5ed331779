/*
 * Cases for the HAL's simulated sensors and the Event Handler's conditions, called
 * directly (no program loaded): the values hal.ts would give, within its noise.
 */
#include <stdio.h>

#include "event_handler.h"
#include "hal.h"

/* cases.c: prints PASS or FAIL and counts it */
bool expect(bool ok, const char *what, const char *why);

static bool near(int32_t type, int32_t index, uint32_t t, int32_t want, int32_t tolerance)
{
    int32_t v;
    if (!hal_read(type, index, t, &v)) {
        return false;
    }
    int32_t d = v - want;
    if (d < -tolerance || d > tolerance) {
        printf("  sensor %ld/%ld at %lu ms: %ld, want %ld±%ld\n", (long)type, (long)index,
               (unsigned long)t, (long)v, (long)want, (long)tolerance);
        return false;
    }
    return true;
}

static void sensors(void)
{
    int32_t v;
    expect(near(1, 0, 0, 22000, 150) && near(1, 0, 30000, 26000, 160)
           && near(1, 0, 90000, 18000, 160), "temperature: 18-26 degC over 2 min",
           "off");
    expect(near(2, 0, 30000, 37000, 320) && near(3, 0, 75000, 580000, 5200)
           && near(4, 0, 0, 2900, 20) && near(4, 0, 15000, 100, 20)
           && near(6, 2, 500, 1000, 40) && near(6, 0, 500, 0, 40),
           "humidity, light, distance, accelerometer", "off");
    int32_t a, b, c2;
    hal_read(6, 0, 1210, &a);
    hal_read(6, 0, 1290, &b);
    hal_read(6, 0, 1310, &c2);
    expect(a == b && b != c2 && !hal_read(6, 3, 0, &v) && !hal_read(9, 0, 0, &v)
           && hal_probe(6) == 3 && hal_probe(9) == 0,
           "noise stable within 100 ms; no such sensor", "wrong");
    hal_press_button(1000);
    expect(near(5, 0, 1100, 1000, 0) && near(5, 0, 1300, 0, 0),
           "button reads 1000 for 200 ms after a press", "wrong");
    expect(hal_write(1, 3, 1) && !hal_write(1, 4, 1) && hal_write(2, 7, 1)
           && !hal_write(3, 0, 1), "actuators: 4 LEDs, 8 GPIOs", "wrong");
}

static bool fake_read(int32_t type, int32_t index, uint32_t now_ms, int32_t *value)
{
    (void)index;
    *value = (int32_t)now_ms;
    return type == 1;
}

static void conditions(void)
{
    eh_clear();
    eh_condition_t c = { .sensor_type = 1, .index = 0, .op = EH_OP_GE, .threshold = 50,
                         .period_ms = 10 };
    eh_condition_t fast = c, bad_op = c;
    fast.period_ms = 9;
    bad_op.op = 4;
    expect(eh_on_condition(&c, 0x1234, 0) && !eh_on_condition(&fast, 1, 0)
           && !eh_on_condition(&bad_op, 1, 0),
           "condition: period >= 10 ms, known op", "wrong");
    eh_poll(5, fake_read);  /* not due */
    eh_poll(10, fake_read); /* due, 10 < 50: no event */
    eh_poll(55, fake_read); /* due, 55 >= 50 */
    eh_event_t e;
    uint32_t due;
    expect(eh_pending() == 1 && eh_next(&e) && e.handler == 0x1234 && e.value == 55
           && eh_next_due(&due) && due == 65,
           "condition polled every period, handler gets the reading", "wrong");
    for (int i = 0; i < 16; i++) {
        eh_on_raw(100 + i, 1);
    }
    expect(!eh_on_raw(200, 1) && eh_on_raw(100, 2), "16 raw handlers; replace ok",
           "wrong");
    eh_clear();
}

void runner_cases_units(void)
{
    sensors();
    conditions();
}
