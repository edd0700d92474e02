// SPDX-License-Identifier: GPL-2.0-only
/*
 * A deliberately broken NVMe driver for the harness self-test: its probe
 * WARNs and fails.  tests/vm/selftest binds it to a controller and expects
 * the guest run to fail because of the kernel's report.
 */
#include <linux/module.h>
#include <linux/pci.h>

static int nvmp_broken_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	WARN(1, "nvmp-broken: deliberate warning in probe\n");
	return -ENODEV;
}

static const struct pci_device_id nvmp_broken_ids[] = {
	{ PCI_DEVICE_CLASS(PCI_CLASS_STORAGE_EXPRESS, 0xffffff) },
	{ 0, }
};
MODULE_DEVICE_TABLE(pci, nvmp_broken_ids);

static struct pci_driver nvmp_broken_driver = {
	.name = "nvmp-broken",
	.id_table = nvmp_broken_ids,
	.probe = nvmp_broken_probe,
};
module_pci_driver(nvmp_broken_driver);
MODULE_DESCRIPTION("nvme-phys harness self-test: a probe that warns");
MODULE_LICENSE("GPL");
