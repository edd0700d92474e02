/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stubs: atomic_t as the driver uses it (a debug knob's counter).  The unit
 * harness runs the driver on one thread, so plain accesses do.
 */
#ifndef SHIM_LINUX_ATOMIC_H
#define SHIM_LINUX_ATOMIC_H

#include <linux/types.h>

struct shim_atomic {
	int counter;
};

/* The kernel's name for it (a typedef there). */
#define atomic_t	struct shim_atomic

#define ATOMIC_INIT(i)	{ (i) }

static inline int atomic_read(const atomic_t *v)
{
	return v->counter;
}

static inline void atomic_set(atomic_t *v, int i)
{
	v->counter = i;
}

/* Take one if that leaves it non-negative; the new value either way. */
static inline int atomic_dec_if_positive(atomic_t *v)
{
	int n = v->counter - 1;

	if (n >= 0)
		v->counter = n;
	return n;
}

#endif /* SHIM_LINUX_ATOMIC_H */
