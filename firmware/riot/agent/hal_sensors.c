/*
 * The board's sensors and actuators (hal.h). Simulated as devices/hal/hal.ts: every
 * reading is a function of (sensor, index, time) in the guest ABI's milli-units, noise
 * stable within a 100 ms window as a 10 Hz ADC would be. Integer maths only, so no libm.
 */
#include "hal.h"

#include "ztimer.h"

/* How long the button reads pressed after a press (hal.ts PRESS_MS). */
#define PRESS_MS 200
#define NOISE_WINDOW_MS 100
/* The simulation's seed: the TS default (ThingMonitor seed 1). */
#define HAL_SEED 1u

static int32_t leds[HAL_LED_COUNT];
static int32_t gpios[HAL_GPIO_COUNT];
static uint32_t epoch_ms;
static uint32_t pressed_at_ms;
static bool ever_pressed;

void hal_program_epoch(void)
{
    epoch_ms = ztimer_now(ZTIMER_MSEC);
    ever_pressed = false;
}

uint32_t hal_program_ms(void) { return ztimer_now(ZTIMER_MSEC) - epoch_ms; }

void hal_press_button(uint32_t now_ms)
{
    pressed_at_ms = now_ms;
    ever_pressed = true;
}

int32_t hal_probe(int32_t type)
{
    if (type == HAL_SENSOR_ACCELEROMETER) {
        return 3;
    }
    return (type >= HAL_SENSOR_TEMPERATURE && type <= HAL_SENSOR_BUTTON) ? 1 : 0;
}

/* sin(2π·t/period)·1000, by Bhaskara I's approximation (error < 0.2 %). */
static int32_t wave_milli(uint32_t t, uint32_t period)
{
    int64_t d = (int64_t)(t % period) * 36000 / period; /* hundredths of a degree */
    int32_t sign = 1;
    if (d >= 18000) {
        d -= 18000;
        sign = -1;
    }
    int64_t p = d * (18000 - d);
    return sign * (int32_t)(4000 * p / (405000000LL - p));
}

/* A deterministic value in [-1000, 1000] for (sensor, index, window): a mixed hash. */
static int32_t noise_milli(int32_t type, int32_t index, uint32_t now_ms)
{
    uint32_t h = HAL_SEED * 0x9E3779B9u ^ (uint32_t)type * 0x85EBCA6Bu
                 ^ (uint32_t)index * 0xC2B2AE35u ^ (now_ms / NOISE_WINDOW_MS) * 0x27D4EB2Fu;
    h ^= h >> 15;
    h *= 0x2C1B3C6Du;
    h ^= h >> 12;
    return (int32_t)(h % 2001u) - 1000;
}

static int32_t simulated(int32_t type, int32_t index, uint32_t t)
{
    int32_t noise = noise_milli(type, index, t);
    switch (type) {
    case HAL_SENSOR_TEMPERATURE: /* m°C: 18–26 °C over two minutes */
        return 22000 + 4 * wave_milli(t, 120000) + 150 * noise / 1000;
    case HAL_SENSOR_HUMIDITY: /* m%RH, against the temperature */
        return 45000 - 8 * wave_milli(t, 120000) + 300 * noise / 1000;
    case HAL_SENSOR_LIGHT: { /* milli-lux: a day in five minutes */
        int32_t lux = 300000 + 280 * wave_milli(t, 300000) + 5 * noise;
        return lux < 0 ? 0 : lux;
    }
    case HAL_SENSOR_DISTANCE: { /* mm: someone walks up to 100 mm and away every 30 s */
        int32_t phase = (int32_t)(t % 30000);
        int32_t off = 2 * phase - 30000;
        return 100 + 2800 * (off < 0 ? -off : off) / 30000 + 20 * noise / 1000;
    }
    case HAL_SENSOR_BUTTON:
        return (ever_pressed && t - pressed_at_ms < PRESS_MS) ? 1000 : 0;
    default: /* accelerometer, mg: at rest, gravity on z */
        return (index == 2 ? 1000 : 0) + 40 * noise / 1000;
    }
}

/*
 * The hook for real sensors: a board with SAUL (RIOT's sensor registry) would look the
 * type up there (saul_reg_find_type, saul_reg_read) and convert to milli-units; until
 * then every board reads the simulation.
 */
static bool board_read(int32_t type, int32_t index, uint32_t now_ms, int32_t *value)
{
    (void)type; (void)index; (void)now_ms; (void)value;
    return false;
}

bool hal_read(int32_t type, int32_t index, uint32_t now_ms, int32_t *value)
{
    if (index < 0 || index >= hal_probe(type)) {
        return false;
    }
    if (!board_read(type, index, now_ms, value)) {
        *value = simulated(type, index, now_ms);
    }
    return true;
}

bool hal_write(int32_t type, int32_t index, int32_t value)
{
    if (type == HAL_ACTUATOR_LED && index >= 0 && index < HAL_LED_COUNT) {
        leds[index] = value;
        return true;
    }
    if (type == HAL_ACTUATOR_GPIO && index >= 0 && index < HAL_GPIO_COUNT) {
        gpios[index] = value;
        return true;
    }
    return false;
}

void hal_actuators(const int32_t **led, unsigned *n_led, const int32_t **gpio, unsigned *n_gpio)
{
    *led = leds;
    *n_led = HAL_LED_COUNT;
    *gpio = gpios;
    *n_gpio = HAL_GPIO_COUNT;
}
