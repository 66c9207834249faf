/*
 * core/mem.c
 *		Arena, string builder and string list of the core.
 */
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each allocation carries a header that links it into its arena. */
struct app_block
{
	struct app_block *prev;
	struct app_block *next;
	size_t		size;			/* of the payload */
	/* keep the payload aligned for any type */
	union
	{
		long double ld;
		void	   *p;
		long long	ll;
	}			align[];
};

#define BLOCK_OF(ptr) ((struct app_block *) ((char *) (ptr) - offsetof(struct app_block, align)))

void
app_mem_init(struct app_mem *mem, const struct app_allocator *allocator)
{
	mem->allocator = allocator;
	mem->blocks = NULL;
}

/* Free every block of the arena; the arena can be used again. */
void
app_mem_free_all(struct app_mem *mem)
{
	struct app_block *b = mem->blocks;

	while (b)
	{
		struct app_block *next = b->next;

		mem->allocator->free(mem->allocator->state, b);
		b = next;
	}
	mem->blocks = NULL;
}

static void
link_block(struct app_mem *mem, struct app_block *b)
{
	b->prev = NULL;
	b->next = mem->blocks;
	if (mem->blocks)
		mem->blocks->prev = b;
	mem->blocks = b;
}

static void
unlink_block(struct app_mem *mem, struct app_block *b)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		mem->blocks = b->next;
	if (b->next)
		b->next->prev = b->prev;
}

void *
app_alloc(struct app_mem *mem, size_t size)
{
	struct app_block *b;

	b = mem->allocator->alloc(mem->allocator->state,
							  offsetof(struct app_block, align) + size);
	memset(b, 0, offsetof(struct app_block, align) + size);
	b->size = size;
	link_block(mem, b);
	return b->align;
}

void
app_free(struct app_mem *mem, void *ptr)
{
	struct app_block *b;

	if (ptr == NULL)
		return;
	b = BLOCK_OF(ptr);
	unlink_block(mem, b);
	mem->allocator->free(mem->allocator->state, b);
}

/* Resize ptr to size bytes: the old contents kept, any new bytes zeroed. */
void *
app_realloc(struct app_mem *mem, void *ptr, size_t size)
{
	void	   *fresh = app_alloc(mem, size);

	if (ptr)
	{
		size_t		old = BLOCK_OF(ptr)->size;

		memcpy(fresh, ptr, old < size ? old : size);
		app_free(mem, ptr);
	}
	return fresh;
}

char *
app_strdup(struct app_mem *mem, const char *s)
{
	size_t		n = strlen(s);
	char	   *d = app_alloc(mem, n + 1);

	memcpy(d, s, n);
	return d;
}

void
app_buf_init(struct app_buf *buf, struct app_mem *mem)
{
	buf->mem = mem;
	buf->cap = 64;
	buf->len = 0;
	buf->data = app_alloc(mem, buf->cap);
}

static void
buf_reserve(struct app_buf *buf, size_t more)
{
	size_t		cap = buf->cap;

	if (buf->len + more + 1 <= cap)
		return;
	while (buf->len + more + 1 > cap)
		cap *= 2;
	buf->data = app_realloc(buf->mem, buf->data, cap);
	buf->cap = cap;
}

void
app_buf_append_len(struct app_buf *buf, const char *s, size_t len)
{
	buf_reserve(buf, len);
	memcpy(buf->data + buf->len, s, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
}

void
app_buf_append(struct app_buf *buf, const char *s)
{
	app_buf_append_len(buf, s, strlen(s));
}

void
app_buf_vprintf(struct app_buf *buf, const char *fmt, va_list args)
{
	va_list		again;
	int			n;

	va_copy(again, args);
	n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	if (n < 0)
		return;
	buf_reserve(buf, (size_t) n);
	vsnprintf(buf->data + buf->len, (size_t) n + 1, fmt, args);
	buf->len += (size_t) n;
}

void
app_buf_printf(struct app_buf *buf, const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	app_buf_vprintf(buf, fmt, args);
	va_end(args);
}

void
app_strlist_add(struct app_mem *mem, struct app_strlist *list, char *s)
{
	if (list->n == list->cap)
	{
		list->cap = list->cap ? list->cap * 2 : 8;
		list->items = app_realloc(mem, list->items,
								  sizeof(char *) * (size_t) list->cap);
	}
	list->items[list->n++] = s;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Sort by bytes, which is the C collation. */
void
app_strlist_sort(struct app_strlist *list)
{
	if (list->n > 1)
		qsort(list->items, (size_t) list->n, sizeof(char *), cmp_str);
}
