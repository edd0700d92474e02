// SPDX-License-Identifier: GPL-2.0-only
/*
 * Peer-to-peer classification from a physical address alone.
 *
 * The kernel's own helper starts from a struct page and is not exported to
 * modules.  Here the walk only says "this bio_vec is P2P memory" (a page flag
 * it reads anyway); the provider is found from the physical address: the PCI
 * memory BAR that contains it.  pcim_p2pdma_provider() gives that BAR's bus
 * offset, pci_p2pdma_distance() says whether the two devices may talk at all,
 * and the topology says how:
 *
 *   - a common upstream bridge below the root port (a switch): the device
 *     uses the PCI bus address, nothing is mapped (PCI_P2PDMA_MAP_BUS_ADDR);
 *   - otherwise the transfer crosses the host bridge, which the distance
 *     check has already allowed: an ordinary mapping of the physical address
 *     with DMA_ATTR_MMIO (PCI_P2PDMA_MAP_THRU_HOST_BRIDGE);
 *   - a negative distance: PCI_P2PDMA_MAP_NOT_SUPPORTED, and the request
 *     fails with BLK_STS_INVAL.
 *
 * The iterator keeps the last provider and its BAR range, so a request whose
 * segments all lie in one BAR looks it up once.
 */
#include <linux/pci.h>
#include "nvmp-block.h"

/* The first bridge both devices sit below, or NULL when only the host is. */
static struct pci_dev *nvmp_common_bridge(struct pci_dev *a, struct pci_dev *b)
{
	struct pci_dev *up_a, *up_b;

	for (up_a = pci_upstream_bridge(a); up_a; up_a = pci_upstream_bridge(up_a))
		for (up_b = pci_upstream_bridge(b); up_b;
		     up_b = pci_upstream_bridge(up_b))
			if (up_a == up_b)
				return up_a;
	return NULL;
}

static enum pci_p2pdma_map_type nvmp_p2p_type(struct pci_dev *provider,
					      struct device *client)
{
	struct pci_dev *bridge;

	if (!dev_is_pci(client) ||
	    pci_p2pdma_distance(provider, client, false) < 0)
		return PCI_P2PDMA_MAP_NOT_SUPPORTED;
	bridge = nvmp_common_bridge(provider, to_pci_dev(client));
	if (bridge && pci_pcie_type(bridge) != PCI_EXP_TYPE_ROOT_PORT)
		return PCI_P2PDMA_MAP_BUS_ADDR;
	return PCI_P2PDMA_MAP_THRU_HOST_BRIDGE;
}

enum pci_p2pdma_map_type nvmp_p2p_classify(struct nvmp_dma_dev *dd,
					   struct nvmp_dma_iter *iter,
					   phys_addr_t paddr, u32 len)
{
	struct pci_dev *pdev = NULL;
	int bar;

	if (iter->p2p.mem && paddr >= iter->p2p_start &&
	    paddr + len - 1 <= iter->p2p_end)
		return iter->p2p.map;

	for_each_pci_dev(pdev) {
		for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
			struct resource *res = pci_resource_n(pdev, bar);

			if (!(resource_type(res) & IORESOURCE_MEM) ||
			    paddr < res->start || paddr + len - 1 > res->end)
				continue;
			iter->p2p.mem = pcim_p2pdma_provider(pdev, bar);
			if (!iter->p2p.mem)
				continue;
			iter->p2p_start = res->start;
			iter->p2p_end = res->end;
			iter->p2p.map = nvmp_p2p_type(pdev, dd->dev);
			pci_dev_put(pdev);
			return iter->p2p.map;
		}
	}
	iter->p2p.mem = NULL;
	return PCI_P2PDMA_MAP_NOT_SUPPORTED;
}
