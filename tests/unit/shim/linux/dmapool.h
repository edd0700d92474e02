/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test behaviour: a dma_pool of the simulation (simpool.c).  Every block
 * is a fresh heap allocation filled with junk, as a recycled block would
 * be, at a bus address of its own that the controller model can follow
 * (sim_pool_lookup()); every free is checked against what was handed out
 * (pool, address, bus address); an allocation can be made to fail
 * (SIM_F_LIST); blocks still live are a leak (sim_pool_live()).
 */
#ifndef SHIM_LINUX_DMAPOOL_H
#define SHIM_LINUX_DMAPOOL_H

#include <linux/gfp.h>
#include <linux/types.h>

struct device;

struct dma_pool {
	const char *name;
	size_t size;
};

struct dma_pool *dma_pool_create(const char *name, struct device *dev,
				 size_t size, size_t align, size_t boundary);
void dma_pool_destroy(struct dma_pool *pool);
void *dma_pool_alloc(struct dma_pool *pool, gfp_t mem_flags, dma_addr_t *handle);
void dma_pool_free(struct dma_pool *pool, void *vaddr, dma_addr_t addr);

#endif /* SHIM_LINUX_DMAPOOL_H */
