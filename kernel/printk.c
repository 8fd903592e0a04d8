/* SPDX-License-Identifier: MIT */
/*
 * kernel/printk.c - the kernel log of a machine, panic, WARN and BUG.
 *
 * What: printk() formats a message and stores it as a record in the current
 * machine's log; `kmm boot` prints the log the way dmesg prints the ring.
 *
 * Data structures: struct kmm_log is a ring of bytes holding records
 * [level:u8][len:u16][text:len], oldest first.  When a new record does not
 * fit, the oldest records are dropped (as the kernel's ring overwrites), and
 * `dropped` counts them.  Record text carries no trailing newline.
 *
 * Levels: the KERN_SOH prefix selects the level (0..7, default 4 as Linux's
 * MESSAGE_LOGLEVEL_DEFAULT); KERN_CONT appends to the previous record if it
 * is still open (no newline ended it), else starts a new one at the default
 * level.  Level 8 marks pr_debug() output, which Linux's dynamic debug keeps
 * out of the ring: kmm stores it but the dmesg and console views skip it.
 *
 * Locking: one spinlock per log; records from concurrent CPUs never
 * interleave inside a record.
 *
 * Failure: messages longer than 1023 bytes are truncated, as the kernel
 * truncates at LOG_LINE_MAX.  With no current machine, printk writes straight
 * to the platform console.
 *
 * WARN_ONCE: each machine is its own kernel, so a call site fires once per
 * machine (__kmm_once keeps the sites that fired, up to KMM_ONCE_SITES; a
 * static flag would silence the site in every later machine of the
 * process).
 *
 * Differences from Linux: no timestamps, no per-CPU buffers, no consoles
 * beyond the one dump function; the console loglevel only filters the view.
 */
#include <kmm/machine.h>
#include <kmm/printk.h>
#include <kmm/string.h>
#include <kmm/platform.h>

#define LOG_LINE_MAX	1024
#define REC_HDR		3

struct kmm_log {
	spinlock_t lock;
	u8 *buf;
	size_t size;
	size_t head;		/* offset of the oldest record */
	size_t used;		/* bytes in use */
	size_t last;		/* offset of the newest record */
	bool last_open;		/* newest record not ended by a newline */
	bool have_last;
	unsigned long records, dropped;
};

struct kmm_log *kmm_log_create(size_t size);
void kmm_log_destroy(struct kmm_log *log);

struct kmm_log *kmm_log_create(size_t size)
{
	struct kmm_log *log = kmm_plat_alloc(sizeof(*log));

	if (!log)
		return NULL;
	log->buf = kmm_plat_alloc(size);
	if (!log->buf) {
		kmm_plat_free(log);
		return NULL;
	}
	log->size = size;
	spin_lock_init(&log->lock);
	return log;
}

void kmm_log_destroy(struct kmm_log *log)
{
	if (!log)
		return;
	kmm_plat_free(log->buf);
	kmm_plat_free(log);
}

static u8 rb_get(struct kmm_log *log, size_t off)
{
	return log->buf[off % log->size];
}

static void rb_put(struct kmm_log *log, size_t off, u8 c)
{
	log->buf[off % log->size] = c;
}

static size_t rec_len(struct kmm_log *log, size_t off)
{
	return (size_t)rb_get(log, off + 1) | ((size_t)rb_get(log, off + 2) << 8);
}

static void drop_oldest(struct kmm_log *log)
{
	size_t n = REC_HDR + rec_len(log, log->head);

	log->head = (log->head + n) % log->size;
	log->used -= n;
	log->records--;
	log->dropped++;
	if (!log->records)
		log->have_last = false;
}

static void log_store(struct kmm_log *log, int level, const char *text,
		      size_t len, bool cont, bool open)
{
	size_t off, i;

	if (len > LOG_LINE_MAX - 1)
		len = LOG_LINE_MAX - 1;
	spin_lock(&log->lock);
	if (cont && log->have_last && log->last_open) {
		size_t old = rec_len(log, log->last);

		if (old + len > LOG_LINE_MAX - 1)
			len = LOG_LINE_MAX - 1 - old;
		while (log->used + len > log->size && log->head != log->last)
			drop_oldest(log);
		if (log->used + len <= log->size) {
			off = log->last + REC_HDR + old;
			for (i = 0; i < len; i++)
				rb_put(log, off + i, (u8)text[i]);
			old += len;
			rb_put(log, log->last + 1, (u8)(old & 0xff));
			rb_put(log, log->last + 2, (u8)(old >> 8));
			log->used += len;
		}
		log->last_open = open;
		spin_unlock(&log->lock);
		return;
	}
	while (log->records && log->used + REC_HDR + len > log->size)
		drop_oldest(log);
	if (REC_HDR + len > log->size) {
		spin_unlock(&log->lock);
		return;
	}
	off = (log->head + log->used) % log->size;
	rb_put(log, off, (u8)level);
	rb_put(log, off + 1, (u8)(len & 0xff));
	rb_put(log, off + 2, (u8)(len >> 8));
	for (i = 0; i < len; i++)
		rb_put(log, off + REC_HDR + i, (u8)text[i]);
	log->used += REC_HDR + len;
	log->last = off;
	log->have_last = true;
	log->last_open = open;
	log->records++;
	spin_unlock(&log->lock);
}

int vprintk(const char *fmt, va_list ap)
{
	struct kmm_machine *m = kmm_current();
	char buf[LOG_LINE_MAX];
	const char *text = buf;
	int level = MESSAGE_LOGLEVEL_DEFAULT;
	bool cont = false;
	int n;
	size_t len, start;

	n = vsnprintf_k(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return n;
	len = kmm_strlen(buf);
	/* Level prefixes, possibly several (KERN_CONT KERN_INFO ...). */
	while (len >= 2 && text[0] == KERN_SOH[0]) {
		char c = text[1];

		if (c >= '0' && c <= '8')
			level = c - '0';
		else if (c == 'c')
			cont = true;
		text += 2;
		len -= 2;
	}
	if (!m || !m->log) {
		kmm_plat_console_write(text, len);
		return (int)len;
	}
	/* Split at newlines: each line is a record; a trailing part stays open. */
	start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || text[i] == '\n') {
			bool open = (i == len);

			if (open && i == start && !(cont && start == 0))
				break;
			log_store(m->log, level, text + start, i - start,
				  cont && start == 0, open);
			start = i + 1;
			if (i == len)
				break;
		}
	}
	return (int)len;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vprintk(fmt, ap);
	va_end(ap);
	return r;
}

void kmm_log_dump(struct kmm_machine *m, enum kmm_log_view view,
		  bool with_level, const struct kmm_sink *out)
{
	struct kmm_log *log = m->log;
	char line[LOG_LINE_MAX + 8];
	size_t off, n, i;
	unsigned long r;

	if (!log)
		return;
	spin_lock(&log->lock);
	off = log->head;
	for (r = 0; r < log->records; r++) {
		int level = rb_get(log, off);
		size_t p = 0;

		n = rec_len(log, off);
		if ((view == KMM_LOG_DMESG && level == LOGLEVEL_DYNDBG) ||
		    (view == KMM_LOG_CONSOLE &&
		     (level == LOGLEVEL_DYNDBG || level >= m->console_loglevel))) {
			off = (off + REC_HDR + n) % log->size;
			continue;
		}
		if (with_level)
			p = (size_t)snprintf_k(line, 8, "<%d>", level);
		for (i = 0; i < n; i++)
			line[p++] = (char)rb_get(log, off + REC_HDR + i);
		line[p++] = '\n';
		out->write(out->ctx, line, p);
		off = (off + REC_HDR + n) % log->size;
	}
	spin_unlock(&log->lock);
}

void panic(const char *fmt, ...)
{
	struct kmm_machine *m = kmm_current();
	char buf[LOG_LINE_MAX];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf_k(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n = kmm_strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	printk(KERN_EMERG "Kernel panic - not syncing: %s\n", buf);
	if (m) {
		kmm_strlcpy(m->errmsg, buf, sizeof(m->errmsg));
		if (m->hooks.panic)
			m->hooks.panic(m->hooks.ctx, buf);
	}
	if (kmm_plat_in_try())
		kmm_plat_unwind(-EIO);
	kmm_plat_console_write("Kernel panic - not syncing: ", 28);
	kmm_plat_console_write(buf, n);
	kmm_plat_console_write("\n", 1);
	kmm_plat_abort();
}


void __kmm_warn(const char *file, int line, const char *func,
		const char *fmt, ...)
{
	struct kmm_machine *m = kmm_current();
	char buf[LOG_LINE_MAX];
	va_list ap;

	buf[0] = '\0';
	printk(KERN_WARNING "------------[ cut here ]------------\n");
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf_k(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		printk(KERN_WARNING "%s", buf);
	}
	printk(KERN_WARNING "WARNING: CPU: %d PID: 0 at %s:%d %s\n",
	       smp_processor_id(), file, line, func);
	printk(KERN_WARNING "---[ end trace 0000000000000000 ]---\n");
	if (m) {
		atomic_fetch_add(&m->warn_count, 1);
		if (m->hooks.warn)
			m->hooks.warn(m->hooks.ctx, file, line, buf);
	}
}

bool __kmm_once(const void *site)
{
	static const void *nomachine[KMM_ONCE_SITES];
	static unsigned int nomachine_nr;
	static spinlock_t nomachine_lock = __SPIN_LOCK_UNLOCKED;
	struct kmm_machine *m = kmm_current();
	spinlock_t *lock = m ? &m->once.lock : &nomachine_lock;
	const void **sites = m ? m->once.site : nomachine;
	unsigned int *nr = m ? &m->once.nr : &nomachine_nr;
	bool first = true;

	spin_lock(lock);
	for (unsigned int i = 0; i < *nr && first; i++)
		first = sites[i] != site;
	if (first && *nr < KMM_ONCE_SITES)
		sites[(*nr)++] = site;
	spin_unlock(lock);
	return first;
}

void __kmm_bug(const char *file, int line, const char *func)
{
	struct kmm_machine *m = kmm_current();

	printk(KERN_CRIT "------------[ cut here ]------------\n");
	printk(KERN_CRIT "kernel BUG at %s:%d!\n", file, line);
	if (m) {
		atomic_fetch_add(&m->bug_count, 1);
		if (m->hooks.bug)
			m->hooks.bug(m->hooks.ctx, file, line);
	}
	panic("Fatal exception in %s", func);
}
