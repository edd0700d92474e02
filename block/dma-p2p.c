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
 *   - a common upstream bridge below the root port (a switch), with no
 *     ACS redirect on the way: the device uses the PCI bus address,
 *     nothing is mapped (PCI_P2PDMA_MAP_BUS_ADDR);
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

/*
 * ACS redirect (which the PCI core enables on switch ports when there is
 * an IOMMU) sends peer-to-peer requests up to the root complex anyway.
 */
static bool nvmp_acs_redirects(struct pci_dev *pdev)
{
	u16 ctrl;

	if (!pdev->acs_cap)
		return false;
	pci_read_config_word(pdev, pdev->acs_cap + PCI_ACS_CTRL, &ctrl);
	return ctrl & (PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC);
}

/* Does a device from @dev up to @top (not included) redirect? */
static bool nvmp_path_redirects(struct pci_dev *dev, struct pci_dev *top)
{
	for (; dev && dev != top; dev = pci_upstream_bridge(dev))
		if (nvmp_acs_redirects(dev))
			return true;
	return false;
}

static enum pci_p2pdma_map_type nvmp_p2p_type(struct pci_dev *provider,
					      struct device *client)
{
	struct pci_dev *bridge;

	if (!dev_is_pci(client) ||
	    pci_p2pdma_distance(provider, client, false) < 0)
		return PCI_P2PDMA_MAP_NOT_SUPPORTED;
	bridge = nvmp_common_bridge(provider, to_pci_dev(client));
	if (bridge && pci_pcie_type(bridge) != PCI_EXP_TYPE_ROOT_PORT &&
	    !nvmp_acs_redirects(bridge) &&
	    !nvmp_path_redirects(provider, bridge) &&
	    !nvmp_path_redirects(to_pci_dev(client), bridge))
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
