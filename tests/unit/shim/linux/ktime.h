/* SPDX-License-Identifier: GPL-2.0-only */
/* Monotonic time in nanoseconds, simulated (simdma.c). */
#ifndef SHIM_LINUX_KTIME_H
#define SHIM_LINUX_KTIME_H

#include <linux/types.h>

#define NSEC_PER_USEC	1000ULL

/* The simulated clock: it moves only by what the simulated DMA layer costs. */
u64 ktime_get_ns(void);

#endif /* SHIM_LINUX_KTIME_H */
