/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * seq_file for single_open() users: show() fills a growing buffer, read
 * copies it out.
 */
#ifndef SHIM_LINUX_SEQ_FILE_H
#define SHIM_LINUX_SEQ_FILE_H

#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>

struct seq_file {
	char *buf;
	size_t size;
	size_t count;
	bool filled;
	int (*show)(struct seq_file *m, void *v);
	void *private;
};

void seq_printf(struct seq_file *m, const char *fmt, ...) __printf(2, 3);
void seq_puts(struct seq_file *m, const char *s);
void seq_putc(struct seq_file *m, char c);

int single_open(struct file *file, int (*show)(struct seq_file *, void *),
		void *data);
int single_release(struct inode *inode, struct file *file);
ssize_t seq_read(struct file *file, char __user *buf, size_t size,
		 loff_t *ppos);
loff_t seq_lseek(struct file *file, loff_t offset, int whence);

/*
 * Duplicated kernel interface (include/linux/seq_file.h, Linux 7.2): the
 * open() and file_operations that NAME_show and NAME_write make up, with
 * single_open() on the inode's private data.
 */
#define DEFINE_SHOW_STORE_ATTRIBUTE(__name)				\
static int __name ## _open(struct inode *inode, struct file *file)	\
{									\
	return single_open(file, __name ## _show, inode->i_private);	\
}									\
static const struct file_operations __name ## _fops = {		\
	.owner = THIS_MODULE,						\
	.open = __name ## _open,					\
	.read = seq_read,						\
	.write = __name ## _write,					\
	.llseek = seq_lseek,						\
	.release = single_release,					\
}

#endif /* SHIM_LINUX_SEQ_FILE_H */
