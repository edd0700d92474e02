// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test behaviour: the dma_pool of shim/linux/dmapool.h, for the driver's
 * PRP and SGL list pages.  Each block is a fresh heap allocation filled
 * with junk (what a recycled block would hold) at a bus address no other
 * block ever had, so a stale address is never mistaken for a live one.
 * A free that names a block the pool did not hand out, another pool or
 * another bus address is a broken rule.
 */
#include <stdlib.h>
#include <linux/dmapool.h>
#include "sim.h"

#define SIM_POOL_MAX	32
#define SIM_POOL_DMA	0x500000000000ULL

struct sim_block {
	struct dma_pool *pool;
	void *va;
	dma_addr_t dma;
	size_t size;
};

static struct sim_block sim_blocks[SIM_POOL_MAX];
static dma_addr_t sim_pool_next = SIM_POOL_DMA;

struct dma_pool *dma_pool_create(const char *name, struct device *dev,
				 size_t size, size_t align, size_t boundary)
{
	struct dma_pool *pool = calloc(1, sizeof(*pool));

	(void)dev;
	(void)boundary;
	if (!pool)
		return NULL;
	if (align > size || size % align)
		sim_violation("%s(%s): size %zu, alignment %zu", __func__,
			      name, size, align);
	pool->name = name;
	pool->size = size;
	return pool;
}

void dma_pool_destroy(struct dma_pool *pool)
{
	unsigned int i;

	for (i = 0; i < SIM_POOL_MAX; i++)
		if (sim_blocks[i].va && sim_blocks[i].pool == pool)
			sim_violation("%s(%s) with blocks live", __func__,
				      pool->name);
	free(pool);
}

void *dma_pool_alloc(struct dma_pool *pool, gfp_t mem_flags, dma_addr_t *handle)
{
	struct sim_block *b = NULL;
	unsigned int i;

	(void)mem_flags;
	if (sim_fail(SIM_F_LIST))
		return NULL;
	for (i = 0; i < SIM_POOL_MAX && !b; i++)
		if (!sim_blocks[i].va)
			b = &sim_blocks[i];
	if (!b) {
		sim_violation("more than %d dma_pool blocks alive", SIM_POOL_MAX);
		return NULL;
	}
	b->va = aligned_alloc(pool->size, pool->size);
	if (!b->va)
		return NULL;
	memset(b->va, 0x5a, pool->size);
	b->pool = pool;
	b->size = pool->size;
	b->dma = sim_pool_next;
	sim_pool_next += 2 * pool->size;
	*handle = b->dma;
	return b->va;
}

void dma_pool_free(struct dma_pool *pool, void *vaddr, dma_addr_t addr)
{
	unsigned int i;

	for (i = 0; i < SIM_POOL_MAX; i++)
		if (sim_blocks[i].va == vaddr)
			break;
	if (i == SIM_POOL_MAX) {
		sim_violation("%s(%p) of a block the pool did not hand out",
			      __func__, vaddr);
		return;
	}
	if (sim_blocks[i].pool != pool)
		sim_violation("%s(%s) of a block of pool %s", __func__,
			      pool->name, sim_blocks[i].pool->name);
	if (sim_blocks[i].dma != addr)
		sim_violation("%s of a block as %#llx, it is %#llx", __func__,
			      (unsigned long long)addr,
			      (unsigned long long)sim_blocks[i].dma);
	free(sim_blocks[i].va);
	sim_blocks[i].va = NULL;
}

const void *sim_pool_lookup(dma_addr_t dma, size_t len)
{
	unsigned int i;

	for (i = 0; i < SIM_POOL_MAX; i++) {
		const struct sim_block *b = &sim_blocks[i];

		if (b->va && dma >= b->dma && dma - b->dma <= b->size &&
		    len <= b->size - (dma - b->dma))
			return (const char *)b->va + (dma - b->dma);
	}
	return NULL;
}

unsigned int sim_pool_live(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < SIM_POOL_MAX; i++)
		n += !!sim_blocks[i].va;
	return n;
}

void sim_pool_reset(void)
{
	unsigned int i;

	for (i = 0; i < SIM_POOL_MAX; i++) {
		free(sim_blocks[i].va);
		sim_blocks[i].va = NULL;
	}
}
