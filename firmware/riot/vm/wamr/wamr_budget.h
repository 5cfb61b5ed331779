/*
 * The WAMR engine's run() budget: instructions mapped to a deadline (wamr_budget.c).
 */
#ifndef VMFLEET_WAMR_BUDGET_H
#define VMFLEET_WAMR_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

/* Microseconds of guest time a budget of `budget` instructions buys. */
uint32_t wamr_budget_us(uint32_t budget);

/* Arms the deadline for the call about to start (wamr_call.env must be set). */
void wamr_budget_start(uint32_t budget);

/* Disarms it; true if it passed (the guest was stopped, or is about to be). */
bool wamr_budget_stop(void);

#endif /* VMFLEET_WAMR_BUDGET_H */
