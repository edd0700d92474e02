/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory pools of kmalloc'ed elements.  Only the interface matters here:
 * elements come from the heap, live ones are counted per pool, and an
 * allocation can be made to fail (the reserve is then taken to be empty).
 */
#ifndef SHIM_LINUX_MEMPOOL_H
#define SHIM_LINUX_MEMPOOL_H

#include <linux/gfp.h>
#include <linux/kernel.h>

struct mempool {
	size_t elem_size;
	int min_nr;
	long live;		/* elements handed out and not returned */
};

/* The kernel's name for it (a typedef there). */
#define mempool_t	struct mempool

mempool_t *mempool_create_kmalloc_pool(int min_nr, size_t size);
void mempool_destroy(mempool_t *pool);
void *mempool_alloc(mempool_t *pool, gfp_t gfp);
void mempool_free(void *element, mempool_t *pool);

#endif /* SHIM_LINUX_MEMPOOL_H */
