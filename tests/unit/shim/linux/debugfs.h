/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * debugfs, kept as a tree in memory so the tests can open a file by its
 * path and drive its file_operations.
 */
#ifndef SHIM_LINUX_DEBUGFS_H
#define SHIM_LINUX_DEBUGFS_H

#include <linux/fs.h>
#include <linux/kernel.h>

struct dentry;

struct dentry *debugfs_create_dir(const char *name, struct dentry *parent);
struct dentry *debugfs_create_file(const char *name, unsigned short mode,
				   struct dentry *parent, void *data,
				   const struct file_operations *fops);
void debugfs_remove_recursive(struct dentry *dentry);

#endif /* SHIM_LINUX_DEBUGFS_H */
