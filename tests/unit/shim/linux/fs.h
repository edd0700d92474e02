/* SPDX-License-Identifier: GPL-2.0-only */
/* Just enough of files and inodes for a debugfs file's operations. */
#ifndef SHIM_LINUX_FS_H
#define SHIM_LINUX_FS_H

#include <linux/module.h>
#include <linux/types.h>

struct inode {
	void *i_private;
};

struct file {
	struct inode *f_inode;
	void *private_data;
	loff_t f_pos;
};

static inline struct inode *file_inode(const struct file *file)
{
	return file->f_inode;
}

struct file_operations {
	struct module *owner;
	int (*open)(struct inode *inode, struct file *file);
	ssize_t (*read)(struct file *file, char __user *buf, size_t count,
			loff_t *ppos);
	ssize_t (*write)(struct file *file, const char __user *buf,
			 size_t count, loff_t *ppos);
	loff_t (*llseek)(struct file *file, loff_t offset, int whence);
	int (*release)(struct inode *inode, struct file *file);
};

#endif /* SHIM_LINUX_FS_H */
