/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scatterlists.  The page pointer and two flag bits share @page_link: bit 0
 * marks a chain entry (not used here), bit 1 the last entry.
 */
#ifndef SHIM_LINUX_SCATTERLIST_H
#define SHIM_LINUX_SCATTERLIST_H

#include <linux/mm.h>

#define SG_CHAIN_BIT	0x01UL
#define SG_END_BIT	0x02UL
#define SG_LINK_BITS	(SG_CHAIN_BIT | SG_END_BIT)

#define SG_DMA_BUS_ADDRESS	((unsigned int)BIT(0))

struct scatterlist {
	unsigned long page_link;
	unsigned int offset;
	unsigned int length;
	dma_addr_t dma_address;
	unsigned int dma_length;
	unsigned int dma_flags;
};

struct sg_table {
	struct scatterlist *sgl;
	unsigned int nents;		/* mapped entries */
	unsigned int orig_nents;	/* entries filled in */
};

#define sg_dma_address(sg)	((sg)->dma_address)
#define sg_dma_len(sg)		((sg)->dma_length)

static inline bool sg_is_last(const struct scatterlist *sg)
{
	return sg->page_link & SG_END_BIT;
}

static inline struct page *sg_page(const struct scatterlist *sg)
{
	return (struct page *)(sg->page_link & ~SG_LINK_BITS);
}

static inline void sg_mark_end(struct scatterlist *sg)
{
	sg->page_link |= SG_END_BIT;
	sg->page_link &= ~SG_CHAIN_BIT;
}

static inline void sg_unmark_end(struct scatterlist *sg)
{
	sg->page_link &= ~SG_END_BIT;
}

static inline void sg_set_page(struct scatterlist *sg, struct page *page,
			       unsigned int len, unsigned int offset)
{
	sg->page_link = (sg->page_link & SG_LINK_BITS) | (unsigned long)page;
	sg->offset = offset;
	sg->length = len;
}

static inline phys_addr_t sg_phys(const struct scatterlist *sg)
{
	return page_to_phys(sg_page(sg)) + sg->offset;
}

static inline struct scatterlist *sg_next(struct scatterlist *sg)
{
	if (sg_is_last(sg))
		return NULL;
	return sg + 1;
}

static inline void sg_init_table(struct scatterlist *sgl, unsigned int nents)
{
	memset(sgl, 0, sizeof(*sgl) * nents);
	sg_mark_end(&sgl[nents - 1]);
}

static inline bool sg_dma_is_bus_address(const struct scatterlist *sg)
{
	return sg->dma_flags & SG_DMA_BUS_ADDRESS;
}

static inline void sg_dma_mark_bus_address(struct scatterlist *sg)
{
	sg->dma_flags |= SG_DMA_BUS_ADDRESS;
}

#endif /* SHIM_LINUX_SCATTERLIST_H */
