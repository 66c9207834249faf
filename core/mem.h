/*
 * core/mem.h
 *		Memory for the core: an arena over a caller-supplied allocator.
 *
 * The core never calls malloc or palloc itself.  The extension hands it an
 * allocator over palloc, the CLI one over malloc; everything the core makes
 * for one call lives in one arena and goes away with app_mem_free_all().
 * An allocator never returns NULL: it raises (palloc) or exits (the CLI).
 */
#ifndef APP_MEM_H
#define APP_MEM_H

#include <stdarg.h>
#include <stddef.h>

struct app_allocator
{
	void	   *(*alloc) (void *state, size_t size);
	void		(*free) (void *state, void *ptr);
	void	   *state;
};

struct app_block;

struct app_mem
{
	const struct app_allocator *allocator;
	struct app_block *blocks;	/* doubly linked, newest first */
};

void		app_mem_init(struct app_mem *mem, const struct app_allocator *allocator);
void		app_mem_free_all(struct app_mem *mem);

void	   *app_alloc(struct app_mem *mem, size_t size);	/* zeroed */
void	   *app_realloc(struct app_mem *mem, void *ptr, size_t size);
void		app_free(struct app_mem *mem, void *ptr);
char	   *app_strdup(struct app_mem *mem, const char *s);

/* A growable string in an arena. */
struct app_buf
{
	struct app_mem *mem;
	char	   *data;
	size_t		len;
	size_t		cap;
};

void		app_buf_init(struct app_buf *buf, struct app_mem *mem);
void		app_buf_append(struct app_buf *buf, const char *s);
void		app_buf_append_len(struct app_buf *buf, const char *s, size_t len);
void		app_buf_printf(struct app_buf *buf, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
void		app_buf_vprintf(struct app_buf *buf, const char *fmt, va_list args)
			__attribute__((format(printf, 2, 0)));

/* A growable list of strings in an arena. */
struct app_strlist
{
	char	  **items;
	int			n;
	int			cap;
};

void		app_strlist_add(struct app_mem *mem, struct app_strlist *list, char *s);
void		app_strlist_sort(struct app_strlist *list);

#endif							/* APP_MEM_H */
