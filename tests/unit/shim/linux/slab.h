/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmalloc and friends, backed by the C heap.  The simulation counts live
 * allocations (so a leak is a test failure) and can make one fail on
 * purpose.
 */
#ifndef SHIM_LINUX_SLAB_H
#define SHIM_LINUX_SLAB_H

#include <linux/gfp.h>
#include <linux/kernel.h>

void *sim_kmalloc(size_t size, gfp_t gfp, bool zero);
void sim_kfree(const void *p);

static inline void *kmalloc(size_t size, gfp_t gfp)
{
	return sim_kmalloc(size, gfp, false);
}

static inline void *kzalloc(size_t size, gfp_t gfp)
{
	return sim_kmalloc(size, gfp, true);
}

/* One zeroed object of @obj's type. */
#define kzalloc_obj(obj, ...) ({					\
	__typeof__(obj) *_zo = sim_kmalloc(sizeof(*_zo), GFP_KERNEL, true);	\
	_zo;								\
})

static inline void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return sim_kmalloc(n * size, gfp, true);
}

static inline void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return sim_kmalloc(n * size, gfp, false);
}

static inline void kfree(const void *p)
{
	sim_kfree(p);
}

#endif /* SHIM_LINUX_SLAB_H */
