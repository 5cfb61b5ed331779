/*
 * The engines' wall clock, for the load-time report (vm_load_report_t.load_time_us).
 *
 * A separate header because engines must not depend on RIOT: the agent defines it over
 * ztimer_usec, a host build over clock_gettime. Engines carry a weak default that returns
 * 0, so an engine links (and reports a load time of 0) where nobody provides a clock.
 */
#ifndef VMFLEET_VM_CLOCK_H
#define VMFLEET_VM_CLOCK_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Microseconds on a monotonic clock; only differences are used. */
uint64_t vm_clock_us(void);

#ifdef __cplusplus
}
#endif

#endif /* VMFLEET_VM_CLOCK_H */
