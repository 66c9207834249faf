/*
 * cli/aws/sigv4.c
 *		AWS Signature Version 4, both forms, in three stages (AWS.md "SigV4",
 *		AWS-DETAIL.md §1-2; staged as aws-c-auth's source/aws_signing.c).
 *
 * Stage 1 builds the canonical request from small appenders (method, path,
 * query, headers, payload hash); stage 2 the string to sign; stage 3 the
 * signature and what the request carries: the headers to add, or the
 * X-Amz-* query parameters.  Buffers that held a session token are wiped
 * before they are freed or grown, and so is every derived key.
 */
#include "sigv4.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#define SHA256_LEN 32
#define ALGORITHM "AWS4-HMAC-SHA256"
#define MAX_EXPIRES 604800		/* seven days, SigV4's limit */

enum stage
{
	STAGE_NONE = 0,
	STAGE_CANONICAL_REQUEST,
	STAGE_STRING_TO_SIGN,
	STAGE_SIGNED
};

/* A header or query parameter being canonicalised, in s->scratch. */
struct sigv4_entry
{
	size_t		name_off;
	size_t		name_len;
	size_t		value_off;
	size_t		value_len;
	const char *name;
	const char *value;
	size_t		seq;			/* the order given, for repeated headers */
};

/* A cached signing key: kSigning for (date, region, service, key id). */
struct key_cache_entry
{
	bool		used;
	char		date[9];
	char		region[64];
	char		service[64];
	char		access_key_id[129];
	unsigned char secret_digest[SHA256_LEN];	/* the key id's secret, hashed */
	unsigned char key[SHA256_LEN];
};

struct sigv4_signer
{
	EVP_MD	   *md;
	EVP_MD_CTX *md_ctx;
	EVP_MAC    *mac;
	EVP_MAC_CTX *mac_ctx;
	struct key_cache_entry *cache;
	unsigned	ncache;
	unsigned	next;
	unsigned long hits;
	unsigned long misses;
};

/* Never signed: proxies and curl may add or change them (botocore's list). */
static const char *const unsigned_headers[] = {
	"user-agent", "expect", "connection", "transfer-encoding",
	"x-amzn-trace-id", NULL
};

/* The presigned form's own parameters: a request may not carry them. */
static const char *const auth_params[] = {
	"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
	"X-Amz-SignedHeaders", "X-Amz-Security-Token", "X-Amz-Signature", NULL
};

/* ------------------------------------------------------------------ */
/* Buffers                                                             */
/* ------------------------------------------------------------------ */

/* Room for extra more bytes and a NUL; the old block is wiped, not realloc'd. */
static bool
buf_reserve(struct sigv4_buf *b, size_t extra)
{
	size_t		need;
	size_t		cap;
	char	   *p;

	if (b->failed)
		return false;
	if (extra > SIZE_MAX - b->len - 1)
	{
		b->failed = true;
		return false;
	}
	need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = malloc(cap);
	if (p == NULL)
	{
		b->failed = true;
		return false;
	}
	if (b->data)
	{
		memcpy(p, b->data, b->len + 1);
		OPENSSL_cleanse(b->data, b->cap);
		free(b->data);
	}
	else
		p[0] = '\0';
	b->data = p;
	b->cap = cap;
	return true;
}

static void
buf_append(struct sigv4_buf *b, const char *s, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void
buf_puts(struct sigv4_buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

static void
buf_putc(struct sigv4_buf *b, char c)
{
	buf_append(b, &c, 1);
}

static void
buf_hex(struct sigv4_buf *b, const unsigned char *bytes, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t		i;

	if (!buf_reserve(b, 2 * n))
		return;
	for (i = 0; i < n; i++)
	{
		b->data[b->len++] = hex[bytes[i] >> 4];
		b->data[b->len++] = hex[bytes[i] & 15];
	}
	b->data[b->len] = '\0';
}

void
sigv4_buf_append(struct sigv4_buf *b, const char *s, size_t n)
{
	buf_append(b, s, n);
}

/* Empty the buffer (wiping what it held); its memory is kept for reuse. */
void
sigv4_buf_reset(struct sigv4_buf *b)
{
	if (b->data)
	{
		OPENSSL_cleanse(b->data, b->len);
		b->data[0] = '\0';
	}
	b->len = 0;
	b->failed = false;
}

/* Wipe and free the buffer. */
void
sigv4_buf_clean_up(struct sigv4_buf *b)
{
	if (b->data)
	{
		OPENSSL_cleanse(b->data, b->cap);
		free(b->data);
	}
	memset(b, 0, sizeof(*b));
}

/* ------------------------------------------------------------------ */
/* Crypto                                                              */
/* ------------------------------------------------------------------ */

static int
sha256(struct sigv4_signer *g, const void *data, size_t len,
	   unsigned char out[SHA256_LEN])
{
	unsigned int outl = 0;

	if (!EVP_DigestInit_ex2(g->md_ctx, g->md, NULL) ||
		(len > 0 && !EVP_DigestUpdate(g->md_ctx, data, len)) ||
		!EVP_DigestFinal_ex(g->md_ctx, out, &outl) || outl != SHA256_LEN)
		return SIGV4_ERR_CRYPTO;
	return SIGV4_OK;
}

/* HMAC-SHA256 on the signer's one context, re-keyed each time. */
static int
hmac(struct sigv4_signer *g, const unsigned char *key, size_t keylen,
	 const void *data, size_t len, unsigned char out[SHA256_LEN])
{
	size_t		outl = 0;

	if (!EVP_MAC_init(g->mac_ctx, key, keylen, NULL) ||
		!EVP_MAC_update(g->mac_ctx, data, len) ||
		!EVP_MAC_final(g->mac_ctx, out, &outl, SHA256_LEN) || outl != SHA256_LEN)
		return SIGV4_ERR_CRYPTO;
	return SIGV4_OK;
}

/* kSigning from "AWS4" + secret, date, region, service, "aws4_request". */
static int
derive_key(struct sigv4_signer *g, const char *secret, const char *date,
		   const char *region, const char *service, unsigned char key[SHA256_LEN])
{
	unsigned char stack_secret[4 + 124];
	unsigned char k_date[SHA256_LEN];
	unsigned char k_region[SHA256_LEN];
	unsigned char k_service[SHA256_LEN];
	unsigned char *k_secret = stack_secret;
	size_t		secret_len = strlen(secret);
	int			rc;

	if (secret_len > sizeof(stack_secret) - 4 &&
		(k_secret = malloc(4 + secret_len)) == NULL)
		return SIGV4_ERR_NOMEM;
	memcpy(k_secret, "AWS4", 4);
	memcpy(k_secret + 4, secret, secret_len);

	if ((rc = hmac(g, k_secret, 4 + secret_len, date, strlen(date), k_date)) != SIGV4_OK)
		goto cleanup;
	if ((rc = hmac(g, k_date, SHA256_LEN, region, strlen(region), k_region)) != SIGV4_OK)
		goto cleanup;
	if ((rc = hmac(g, k_region, SHA256_LEN, service, strlen(service), k_service)) != SIGV4_OK)
		goto cleanup;
	rc = hmac(g, k_service, SHA256_LEN, "aws4_request", 12, key);

cleanup:
	OPENSSL_cleanse(k_secret, 4 + secret_len);
	if (k_secret != stack_secret)
		free(k_secret);
	OPENSSL_cleanse(k_date, sizeof(k_date));
	OPENSSL_cleanse(k_region, sizeof(k_region));
	OPENSSL_cleanse(k_service, sizeof(k_service));
	return rc;
}

static bool
fits(const char *s, size_t size)
{
	return strlen(s) < size;
}

/*
 * The signing key, from the cache when it holds one for this date, region,
 * service and access key id (the SDKs' cache key).  The secret's digest is
 * kept too, so a key id given with another secret (a test of a wrong
 * secret, say) never gets a stale key.
 */
static int
signing_key(struct sigv4_signer *g, const struct sigv4_config *cfg,
			const char *date, unsigned char key[SHA256_LEN])
{
	const struct aws_credentials *c = cfg->credentials;
	unsigned char digest[SHA256_LEN];
	struct key_cache_entry *slot = NULL;
	bool		cacheable;
	unsigned	i;
	int			rc;

	cacheable = g->ncache > 0 &&
		fits(cfg->region, sizeof(slot->region)) &&
		fits(cfg->service, sizeof(slot->service)) &&
		fits(c->access_key_id, sizeof(slot->access_key_id));
	if (!cacheable)
	{
		g->misses++;
		return derive_key(g, c->secret_access_key, date, cfg->region, cfg->service, key);
	}

	if ((rc = sha256(g, c->secret_access_key, strlen(c->secret_access_key), digest)) != SIGV4_OK)
		return rc;
	for (i = 0; i < g->ncache; i++)
	{
		struct key_cache_entry *e = &g->cache[i];

		if (!e->used || strcmp(e->region, cfg->region) != 0 ||
			strcmp(e->service, cfg->service) != 0 ||
			strcmp(e->access_key_id, c->access_key_id) != 0)
			continue;
		if (strcmp(e->date, date) == 0 &&
			CRYPTO_memcmp(e->secret_digest, digest, SHA256_LEN) == 0)
		{
			memcpy(key, e->key, SHA256_LEN);
			g->hits++;
			OPENSSL_cleanse(digest, sizeof(digest));
			return SIGV4_OK;
		}
		slot = e;				/* the same identity on another day: replace */
	}

	g->misses++;
	rc = derive_key(g, c->secret_access_key, date, cfg->region, cfg->service, key);
	if (rc == SIGV4_OK)
	{
		for (i = 0; slot == NULL && i < g->ncache; i++)
			if (!g->cache[i].used)
				slot = &g->cache[i];
		if (slot == NULL)
		{
			slot = &g->cache[g->next];
			g->next = (g->next + 1) % g->ncache;
		}
		OPENSSL_cleanse(slot, sizeof(*slot));
		slot->used = true;
		strcpy(slot->date, date);
		strcpy(slot->region, cfg->region);
		strcpy(slot->service, cfg->service);
		strcpy(slot->access_key_id, c->access_key_id);
		memcpy(slot->secret_digest, digest, SHA256_LEN);
		memcpy(slot->key, key, SHA256_LEN);
	}
	OPENSSL_cleanse(digest, sizeof(digest));
	return rc;
}

struct sigv4_signer *
sigv4_signer_new(unsigned cache_entries)
{
	struct sigv4_signer *g = calloc(1, sizeof(*g));
	OSSL_PARAM	params[2];

	if (g == NULL)
		return NULL;
	g->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	g->md_ctx = EVP_MD_CTX_new();
	g->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	g->mac_ctx = g->mac ? EVP_MAC_CTX_new(g->mac) : NULL;
	if (cache_entries > 0)
	{
		g->cache = calloc(cache_entries, sizeof(*g->cache));
		g->ncache = cache_entries;
	}
	if (!g->md || !g->md_ctx || !g->mac || !g->mac_ctx ||
		(cache_entries > 0 && !g->cache))
	{
		sigv4_signer_free(g);
		return NULL;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *) "SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_CTX_set_params(g->mac_ctx, params))
	{
		sigv4_signer_free(g);
		return NULL;
	}
	return g;
}

/* Wipe every cached key. */
void
sigv4_signer_clear_cache(struct sigv4_signer *signer)
{
	if (signer && signer->cache)
		OPENSSL_cleanse(signer->cache, signer->ncache * sizeof(*signer->cache));
	if (signer)
		signer->next = 0;
}

void
sigv4_signer_free(struct sigv4_signer *signer)
{
	if (signer == NULL)
		return;
	sigv4_signer_clear_cache(signer);
	free(signer->cache);
	EVP_MAC_CTX_free(signer->mac_ctx);	/* cleanses the keyed state */
	EVP_MAC_free(signer->mac);
	EVP_MD_CTX_free(signer->md_ctx);
	EVP_MD_free(signer->md);
	free(signer);
}

void
sigv4_signer_cache_stats(const struct sigv4_signer *signer,
						 unsigned long *hits, unsigned long *misses)
{
	*hits = signer->hits;
	*misses = signer->misses;
}

/* ------------------------------------------------------------------ */
/* Canonicalisation                                                    */
/* ------------------------------------------------------------------ */

static bool
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
}

/* RFC 3986 encoding as SigV4 wants it: %XX, upper-case, space as %20. */
void
sigv4_uri_encode(struct sigv4_buf *out, const char *s, size_t len, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	char	   *p;
	size_t		i;

	if (len > SIZE_MAX / 3)
	{
		out->failed = true;
		return;
	}
	if (!buf_reserve(out, 3 * len))
		return;
	p = out->data + out->len;
	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (unreserved(c) || (keep_slash && c == '/'))
			*p++ = (char) c;
		else
		{
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p = '\0';
	out->len = (size_t) (p - out->data);
}

static void
path_segment(struct sigv4_buf *out, const char *seg, size_t len, bool encode)
{
	if (encode)
		sigv4_uri_encode(out, seg, len, false);
	else
		buf_append(out, seg, len);
}

/*
 * The canonical URI.  Normalising drops empty and "." segments and lets ".."
 * remove the one before; the path keeps a final "/" if it had one, and an
 * empty result is "/".  Encoding is per segment, "/" kept.
 */
void
sigv4_canonical_path(struct sigv4_buf *out, const char *path, bool normalize, bool encode)
{
	size_t		start = out->len;
	size_t		n = strlen(path);
	const char *p = path;
	const char *end = path + n;

	if (n == 0)
	{
		buf_putc(out, '/');
		return;
	}
	if (!normalize)
	{
		if (encode)
			sigv4_uri_encode(out, path, n, true);
		else
			buf_append(out, path, n);
		return;
	}
	while (p < end)
	{
		const char *seg = p;
		size_t		len;

		while (p < end && *p != '/')
			p++;
		len = (size_t) (p - seg);
		if (p < end)
			p++;
		if (len == 0 || (len == 1 && seg[0] == '.'))
			continue;
		if (len == 2 && seg[0] == '.' && seg[1] == '.')
		{
			/* an encoded segment holds no '/': cut back to the last one */
			if (out->failed)
				return;
			while (out->len > start && out->data[out->len - 1] != '/')
				out->len--;
			if (out->len > start)
				out->len--;
			if (out->data)
				out->data[out->len] = '\0';
			continue;
		}
		buf_putc(out, '/');
		path_segment(out, seg, len, encode);
	}
	if (out->len == start || path[n - 1] == '/')
		buf_putc(out, '/');
}

static bool
space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* A header value, trimmed, each inner run of whitespace one space. */
void
sigv4_header_value(struct sigv4_buf *out, const char *value)
{
	size_t		n = strlen(value);
	bool		gap = false;
	char	   *p;

	if (!buf_reserve(out, n))
		return;
	p = out->data + out->len;
	while (*value && space(*value))
		value++;
	for (; *value; value++)
	{
		if (space(*value))
		{
			gap = true;
			continue;
		}
		if (gap)
			*p++ = ' ';
		gap = false;
		*p++ = *value;
	}
	*p = '\0';
	out->len = (size_t) (p - out->data);
}

static bool
entries_reserve(struct sigv4_signing *s, size_t n)
{
	struct sigv4_entry *e;

	if (n <= s->entries_cap)
		return true;
	if (n > SIZE_MAX / sizeof(*e) / 2)
		return false;
	e = realloc(s->entries, 2 * n * sizeof(*e));
	if (e == NULL)
		return false;
	s->entries = e;
	s->entries_cap = 2 * n;
	return true;
}

static int
bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int			c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/* Query parameters: by encoded name, then encoded value, in byte order. */
static int
param_cmp(const void *pa, const void *pb)
{
	const struct sigv4_entry *a = pa;
	const struct sigv4_entry *b = pb;
	int			c = bytes_cmp(a->name, a->name_len, b->name, b->name_len);

	return c != 0 ? c : bytes_cmp(a->value, a->value_len, b->value, b->value_len);
}

/* Headers: by lower-cased name, repeated names in the order given. */
static int
header_cmp(const void *pa, const void *pb)
{
	const struct sigv4_entry *a = pa;
	const struct sigv4_entry *b = pb;
	int			c = bytes_cmp(a->name, a->name_len, b->name, b->name_len);

	if (c != 0)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Offsets into scratch become pointers once scratch stops growing. */
static void
entries_point(struct sigv4_signing *s, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
	{
		s->entries[i].name = s->scratch.data + s->entries[i].name_off;
		s->entries[i].value = s->scratch.data + s->entries[i].value_off;
	}
}

/* The canonical query of two lists of parameters (the request's, the signer's). */
static int
canonical_query(struct sigv4_signing *s, struct sigv4_buf *out,
				const struct sigv4_param *a, size_t na,
				const struct sigv4_param *b, size_t nb)
{
	size_t		n = na + nb;
	size_t		i;

	sigv4_buf_reset(&s->scratch);
	if (!entries_reserve(s, n))
		return SIGV4_ERR_NOMEM;
	for (i = 0; i < n; i++)
	{
		const struct sigv4_param *p = i < na ? &a[i] : &b[i - na];
		struct sigv4_entry *e = &s->entries[i];
		const char *value = p->value ? p->value : "";

		if (p->name == NULL)
			return SIGV4_ERR_INVALID;
		e->name_off = s->scratch.len;
		sigv4_uri_encode(&s->scratch, p->name, strlen(p->name), false);
		e->name_len = s->scratch.len - e->name_off;
		e->value_off = s->scratch.len;
		sigv4_uri_encode(&s->scratch, value, strlen(value), false);
		e->value_len = s->scratch.len - e->value_off;
		e->seq = i;
	}
	if (s->scratch.failed)
		return SIGV4_ERR_NOMEM;
	if (n == 0)
		return out->failed ? SIGV4_ERR_NOMEM : SIGV4_OK;
	entries_point(s, n);
	qsort(s->entries, n, sizeof(s->entries[0]), param_cmp);
	for (i = 0; i < n; i++)
	{
		if (i > 0)
			buf_putc(out, '&');
		buf_append(out, s->entries[i].name, s->entries[i].name_len);
		buf_putc(out, '=');
		buf_append(out, s->entries[i].value, s->entries[i].value_len);
	}
	return out->failed ? SIGV4_ERR_NOMEM : SIGV4_OK;
}

static bool
header_name_ok(const char *name)
{
	const unsigned char *p = (const unsigned char *) name;

	if (*p == '\0')
		return false;
	for (; *p; p++)
		if (*p <= ' ' || *p == ':' || *p == 0x7f)
			return false;
	return true;
}

static bool
in_list(const char *name, const char *const *list, bool ignore_case)
{
	for (; *list; list++)
		if ((ignore_case ? strcasecmp(name, *list) : strcmp(name, *list)) == 0)
			return true;
	return false;
}

/*
 * The canonical header block ("name:value\n" each, values of a repeated
 * name joined by ',') and the signed header names, of two lists of headers
 * (the request's, the signer's).  Sets *has_host.
 */
static int
canonical_headers(struct sigv4_signing *s, struct sigv4_buf *block,
				  struct sigv4_buf *names,
				  const struct sigv4_header *a, size_t na,
				  const struct sigv4_header *b, size_t nb, bool *has_host)
{
	size_t		n = 0;
	size_t		i;

	*has_host = false;
	sigv4_buf_reset(&s->scratch);
	if (!entries_reserve(s, na + nb))
		return SIGV4_ERR_NOMEM;
	for (i = 0; i < na + nb; i++)
	{
		const struct sigv4_header *h = i < na ? &a[i] : &b[i - na];
		struct sigv4_entry *e;
		size_t		k;

		if (h->name == NULL || !header_name_ok(h->name))
			return SIGV4_ERR_ILLEGAL_HEADER;
		if (in_list(h->name, unsigned_headers, true))
			continue;
		e = &s->entries[n];
		e->name_off = s->scratch.len;
		buf_puts(&s->scratch, h->name);
		if (s->scratch.failed)
			return SIGV4_ERR_NOMEM;
		for (k = e->name_off; k < s->scratch.len; k++)
			if (s->scratch.data[k] >= 'A' && s->scratch.data[k] <= 'Z')
				s->scratch.data[k] += 'a' - 'A';
		e->name_len = s->scratch.len - e->name_off;
		if (strcmp(s->scratch.data + e->name_off, "host") == 0)
			*has_host = true;
		buf_putc(&s->scratch, '\0');	/* keeps the name a C string */
		e->value_off = s->scratch.len;
		sigv4_header_value(&s->scratch, h->value ? h->value : "");
		e->value_len = s->scratch.len - e->value_off;
		buf_putc(&s->scratch, '\0');
		e->seq = i;
		n++;
	}
	if (s->scratch.failed)
		return SIGV4_ERR_NOMEM;
	if (n > 0)
	{
		entries_point(s, n);
		qsort(s->entries, n, sizeof(s->entries[0]), header_cmp);
	}
	for (i = 0; i < n; i++)
	{
		const struct sigv4_entry *e = &s->entries[i];
		bool		repeat = i > 0 &&
			bytes_cmp(e->name, e->name_len, e[-1].name, e[-1].name_len) == 0;

		if (repeat)
			buf_putc(block, ',');
		else
		{
			if (i > 0)
			{
				buf_putc(block, '\n');
				buf_putc(names, ';');
			}
			buf_append(block, e->name, e->name_len);
			buf_putc(block, ':');
			buf_append(names, e->name, e->name_len);
		}
		buf_append(block, e->value, e->value_len);
	}
	if (n > 0)
		buf_putc(block, '\n');
	return block->failed || names->failed ? SIGV4_ERR_NOMEM : SIGV4_OK;
}

int
sigv4_canonical_query_of(struct sigv4_signing *s, struct sigv4_buf *out,
						 const struct sigv4_param *params, size_t n)
{
	return canonical_query(s, out, params, n, NULL, 0);
}

int
sigv4_canonical_headers_of(struct sigv4_signing *s, struct sigv4_buf *block,
						   struct sigv4_buf *names,
						   const struct sigv4_header *headers, size_t n)
{
	bool		has_host;

	return canonical_headers(s, block, names, headers, n, NULL, 0, &has_host);
}

/* ------------------------------------------------------------------ */
/* The stages                                                          */
/* ------------------------------------------------------------------ */

void
sigv4_config_init(struct sigv4_config *config, enum sigv4_form form)
{
	memset(config, 0, sizeof(*config));
	config->form = form;
	config->normalize = true;
	config->encode_path = true;
}

void
sigv4_signing_init(struct sigv4_signing *s)
{
	memset(s, 0, sizeof(*s));
}

static struct sigv4_buf *
state_bufs(struct sigv4_signing *s, size_t i)
{
	struct sigv4_buf *bufs[] = {
		&s->payload_hash, &s->credential_scope, &s->credential,
		&s->canonical_headers, &s->signed_headers, &s->canonical_query,
		&s->canonical_request, &s->string_to_sign, &s->signature,
		&s->authorization, &s->auth_query, &s->scratch
	};

	return i < sizeof(bufs) / sizeof(bufs[0]) ? bufs[i] : NULL;
}

static void
state_reset(struct sigv4_signing *s)
{
	struct sigv4_buf *b;
	size_t		i;

	for (i = 0; (b = state_bufs(s, i)) != NULL; i++)
		sigv4_buf_reset(b);
	s->stage = STAGE_NONE;
	s->nout_headers = 0;
	memset(s->out_headers, 0, sizeof(s->out_headers));
	s->amz_date[0] = s->date[0] = '\0';
}

void
sigv4_signing_clean_up(struct sigv4_signing *s)
{
	struct sigv4_buf *b;
	size_t		i;

	for (i = 0; (b = state_bufs(s, i)) != NULL; i++)
		sigv4_buf_clean_up(b);
	free(s->entries);
	memset(s, 0, sizeof(*s));
}

static bool
has_token(const struct sigv4_config *cfg)
{
	return cfg->credentials->session_token && cfg->credentials->session_token[0];
}

/* Refuse a request that already carries what the signer adds. */
static int
check_request(const struct sigv4_config *cfg, const struct sigv4_request *req)
{
	size_t		i;

	for (i = 0; i < req->nheaders; i++)
	{
		const char *name = req->headers[i].name;

		if (name == NULL)
			return SIGV4_ERR_ILLEGAL_HEADER;
		if (cfg->form != SIGV4_FORM_HEADERS)
			continue;
		if (strcasecmp(name, "authorization") == 0 ||
			strcasecmp(name, "x-amz-date") == 0 ||
			(has_token(cfg) && strcasecmp(name, "x-amz-security-token") == 0) ||
			(cfg->sign_body && strcasecmp(name, "x-amz-content-sha256") == 0))
			return SIGV4_ERR_ILLEGAL_HEADER;
	}
	for (i = 0; i < req->nparams; i++)
	{
		if (req->params[i].name == NULL)
			return SIGV4_ERR_INVALID;
		if (cfg->form == SIGV4_FORM_QUERY &&
			in_list(req->params[i].name, auth_params, false))
			return SIGV4_ERR_ILLEGAL_PARAM;
	}
	return SIGV4_OK;
}

static int
check_config(const struct sigv4_config *cfg, const struct sigv4_request *req)
{
	const struct aws_credentials *c = cfg->credentials;

	if (c == NULL || c->access_key_id == NULL || c->access_key_id[0] == '\0' ||
		c->secret_access_key == NULL || c->secret_access_key[0] == '\0' ||
		cfg->region == NULL || cfg->region[0] == '\0' ||
		cfg->service == NULL || cfg->service[0] == '\0' ||
		req->method == NULL || req->method[0] == '\0' || req->path == NULL ||
		(req->body == NULL && req->body_len > 0) ||
		(req->params == NULL && req->nparams > 0) ||
		(req->headers == NULL && req->nheaders > 0))
		return SIGV4_ERR_INVALID;
	if (cfg->form == SIGV4_FORM_QUERY &&
		(cfg->expires < 1 || cfg->expires > MAX_EXPIRES))
		return SIGV4_ERR_INVALID;
	if (cfg->form != SIGV4_FORM_QUERY && cfg->form != SIGV4_FORM_HEADERS)
		return SIGV4_ERR_INVALID;
	return SIGV4_OK;
}

/*
 * Stage 1: the canonical request, six lines joined by '\n':
 *   method, canonical URI, canonical query, canonical headers (each line
 *   ending in '\n'), signed header names, hex SHA-256 of the payload.
 * The query form's X-Amz-* parameters are in the canonical query.
 */
int
sigv4_canonical_request(struct sigv4_signing *s, struct sigv4_signer *signer,
						const struct sigv4_config *config,
						const struct sigv4_request *request)
{
	const struct sigv4_config *cfg = config;
	const struct sigv4_request *req = request;
	struct sigv4_header added[3];
	struct sigv4_param auth[6];
	size_t		nadded = 0;
	size_t		nauth = 0;
	unsigned char digest[SHA256_LEN];
	char		expires[16];
	struct tm	tm;
	bool		has_host;
	bool		sign_token;
	int			rc;

	state_reset(s);
	if (signer == NULL || cfg == NULL || req == NULL)
		return SIGV4_ERR_INVALID;
	if ((rc = check_config(cfg, req)) != SIGV4_OK ||
		(rc = check_request(cfg, req)) != SIGV4_OK)
		return rc;
	s->signer = signer;
	s->config = cfg;
	s->request = req;
	sign_token = has_token(cfg) && !cfg->omit_session_token;

	/* X-Amz-Date, and the date of the scope */
	if (gmtime_r(&cfg->time, &tm) == NULL ||
		strftime(s->amz_date, sizeof(s->amz_date), "%Y%m%dT%H%M%SZ", &tm) != 16)
		return SIGV4_ERR_INVALID;
	memcpy(s->date, s->amz_date, 8);
	s->date[8] = '\0';

	/* CredentialScope, and AKID/scope */
	buf_puts(&s->credential_scope, s->date);
	buf_putc(&s->credential_scope, '/');
	buf_puts(&s->credential_scope, cfg->region);
	buf_putc(&s->credential_scope, '/');
	buf_puts(&s->credential_scope, cfg->service);
	buf_puts(&s->credential_scope, "/aws4_request");
	buf_puts(&s->credential, cfg->credentials->access_key_id);
	buf_putc(&s->credential, '/');
	if (s->credential_scope.data)
		buf_puts(&s->credential, s->credential_scope.data);

	/* HashedPayload */
	if (cfg->payload_hash)
		buf_puts(&s->payload_hash, cfg->payload_hash);
	else
	{
		if ((rc = sha256(signer, req->body, req->body_len, digest)) != SIGV4_OK)
			return rc;
		buf_hex(&s->payload_hash, digest, SHA256_LEN);
	}
	if (s->payload_hash.failed || s->credential.failed || s->credential_scope.failed)
		return SIGV4_ERR_NOMEM;

	/* CanonicalHeaders, SignedHeaders: the request's and the signer's */
	if (cfg->form == SIGV4_FORM_HEADERS)
	{
		added[nadded++] = (struct sigv4_header) {"x-amz-date", s->amz_date};
		if (sign_token)
			added[nadded++] = (struct sigv4_header) {"x-amz-security-token", cfg->credentials->session_token};
		if (cfg->sign_body)
			added[nadded++] = (struct sigv4_header) {"x-amz-content-sha256", s->payload_hash.data};
	}
	if ((rc = canonical_headers(s, &s->canonical_headers, &s->signed_headers,
								req->headers, req->nheaders, added, nadded,
								&has_host)) != SIGV4_OK)
		return rc;
	if (!has_host)
		return SIGV4_ERR_NO_HOST;

	/* CanonicalQueryString */
	if (cfg->form == SIGV4_FORM_QUERY)
	{
		snprintf(expires, sizeof(expires), "%u", cfg->expires);
		auth[nauth++] = (struct sigv4_param) {"X-Amz-Algorithm", ALGORITHM};
		auth[nauth++] = (struct sigv4_param) {"X-Amz-Credential", s->credential.data};
		auth[nauth++] = (struct sigv4_param) {"X-Amz-Date", s->amz_date};
		auth[nauth++] = (struct sigv4_param) {"X-Amz-Expires", expires};
		auth[nauth++] = (struct sigv4_param) {"X-Amz-SignedHeaders", s->signed_headers.data};
		if (sign_token)
			auth[nauth++] = (struct sigv4_param) {"X-Amz-Security-Token", cfg->credentials->session_token};
	}
	if ((rc = canonical_query(s, &s->canonical_query, req->params, req->nparams,
							  auth, nauth)) != SIGV4_OK)
		return rc;

	/* the six lines */
	buf_puts(&s->canonical_request, req->method);	/* HTTPMethod */
	buf_putc(&s->canonical_request, '\n');
	sigv4_canonical_path(&s->canonical_request, req->path,	/* CanonicalURI */
						 cfg->normalize, cfg->encode_path);
	buf_putc(&s->canonical_request, '\n');
	if (s->canonical_query.data)	/* CanonicalQueryString */
		buf_puts(&s->canonical_request, s->canonical_query.data);
	buf_putc(&s->canonical_request, '\n');
	buf_puts(&s->canonical_request, s->canonical_headers.data);	/* CanonicalHeaders */
	buf_putc(&s->canonical_request, '\n');
	buf_puts(&s->canonical_request, s->signed_headers.data);	/* SignedHeaders */
	buf_putc(&s->canonical_request, '\n');
	buf_puts(&s->canonical_request, s->payload_hash.data);	/* HashedPayload */
	if (s->canonical_request.failed)
		return SIGV4_ERR_NOMEM;
	s->stage = STAGE_CANONICAL_REQUEST;
	return SIGV4_OK;
}

/* Stage 2: algorithm, timestamp, scope, hex SHA-256 of the canonical request. */
int
sigv4_string_to_sign(struct sigv4_signing *s)
{
	unsigned char digest[SHA256_LEN];
	int			rc;

	if (s->stage != STAGE_CANONICAL_REQUEST)
		return SIGV4_ERR_STAGE;
	if ((rc = sha256(s->signer, s->canonical_request.data, s->canonical_request.len,
					 digest)) != SIGV4_OK)
		return rc;
	buf_puts(&s->string_to_sign, ALGORITHM "\n");	/* Algorithm */
	buf_puts(&s->string_to_sign, s->amz_date);	/* RequestDateTime */
	buf_putc(&s->string_to_sign, '\n');
	buf_puts(&s->string_to_sign, s->credential_scope.data);	/* CredentialScope */
	buf_putc(&s->string_to_sign, '\n');
	buf_hex(&s->string_to_sign, digest, SHA256_LEN);	/* HashedCanonicalRequest */
	if (s->string_to_sign.failed)
		return SIGV4_ERR_NOMEM;
	s->stage = STAGE_STRING_TO_SIGN;
	return SIGV4_OK;
}

/* The query form's parameters to append, botocore's order, signature last. */
static void
build_auth_query(struct sigv4_signing *s)
{
	const struct sigv4_config *cfg = s->config;
	struct sigv4_buf *q = &s->auth_query;
	char		expires[16];

	snprintf(expires, sizeof(expires), "%u", cfg->expires);
	buf_puts(q, "X-Amz-Algorithm=" ALGORITHM "&X-Amz-Credential=");
	sigv4_uri_encode(q, s->credential.data, s->credential.len, false);
	buf_puts(q, "&X-Amz-Date=");
	buf_puts(q, s->amz_date);
	buf_puts(q, "&X-Amz-Expires=");
	buf_puts(q, expires);
	buf_puts(q, "&X-Amz-SignedHeaders=");
	sigv4_uri_encode(q, s->signed_headers.data, s->signed_headers.len, false);
	if (has_token(cfg))
	{
		/* with omit_session_token it comes after signing, unsigned */
		buf_puts(q, "&X-Amz-Security-Token=");
		sigv4_uri_encode(q, cfg->credentials->session_token,
						 strlen(cfg->credentials->session_token), false);
	}
	buf_puts(q, "&X-Amz-Signature=");
	buf_puts(q, s->signature.data);
}

/* The headers form's headers to add, and the Authorization value. */
static void
build_headers(struct sigv4_signing *s)
{
	const struct sigv4_config *cfg = s->config;
	struct sigv4_buf *a = &s->authorization;
	size_t		n = 0;

	buf_puts(a, ALGORITHM " Credential=");
	buf_puts(a, s->credential.data);
	buf_puts(a, ", SignedHeaders=");
	buf_puts(a, s->signed_headers.data);
	buf_puts(a, ", Signature=");
	buf_puts(a, s->signature.data);

	s->out_headers[n++] = (struct sigv4_header) {"X-Amz-Date", s->amz_date};
	if (has_token(cfg))
		s->out_headers[n++] = (struct sigv4_header) {"X-Amz-Security-Token", cfg->credentials->session_token};
	if (cfg->sign_body)
		s->out_headers[n++] = (struct sigv4_header) {"X-Amz-Content-SHA256", s->payload_hash.data};
	s->out_headers[n++] = (struct sigv4_header) {"Authorization", a->data};
	s->nout_headers = n;
}

/*
 * Stage 3: the signature, hex HMAC(kSigning, string to sign), then the
 * headers to add (headers form) or the parameters to append (query form).
 */
int
sigv4_signature(struct sigv4_signing *s)
{
	unsigned char key[SHA256_LEN];
	unsigned char mac[SHA256_LEN];
	int			rc;

	if (s->stage != STAGE_STRING_TO_SIGN)
		return SIGV4_ERR_STAGE;
	rc = signing_key(s->signer, s->config, s->date, key);
	if (rc == SIGV4_OK)
		rc = hmac(s->signer, key, SHA256_LEN, s->string_to_sign.data,
				  s->string_to_sign.len, mac);
	OPENSSL_cleanse(key, sizeof(key));
	if (rc != SIGV4_OK)
		return rc;
	buf_hex(&s->signature, mac, SHA256_LEN);
	if (s->config->form == SIGV4_FORM_HEADERS)
		build_headers(s);
	else
		build_auth_query(s);
	if (s->signature.failed || s->authorization.failed || s->auth_query.failed)
		return SIGV4_ERR_NOMEM;
	s->stage = STAGE_SIGNED;
	return SIGV4_OK;
}

int
sigv4_sign(struct sigv4_signing *s, struct sigv4_signer *signer,
		   const struct sigv4_config *config, const struct sigv4_request *request)
{
	int			rc;

	if ((rc = sigv4_canonical_request(s, signer, config, request)) != SIGV4_OK ||
		(rc = sigv4_string_to_sign(s)) != SIGV4_OK)
		return rc;
	return sigv4_signature(s);
}

const char *
sigv4_strerror(int status)
{
	switch (status)
	{
		case SIGV4_OK:
			return "success";
		case SIGV4_ERR_NOMEM:
			return "out of memory";
		case SIGV4_ERR_CRYPTO:
			return "the cryptographic library failed";
		case SIGV4_ERR_INVALID:
			return "missing or malformed signing input";
		case SIGV4_ERR_ILLEGAL_HEADER:
			return "the request carries a header the signer adds, or a malformed header name";
		case SIGV4_ERR_ILLEGAL_PARAM:
			return "the request carries a query parameter the signer adds";
		case SIGV4_ERR_NO_HOST:
			return "the request has no Host header";
		case SIGV4_ERR_STAGE:
			return "signing stages called out of order";
	}
	return "unknown signing error";
}
