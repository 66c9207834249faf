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

#include <stddef.h>
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
/* hex SHA-256 of no bytes, the payload hash of an empty body */
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

enum stage
{
	STAGE_NONE = 0,
	STAGE_CANONICAL_REQUEST,
	STAGE_STRING_TO_SIGN,
	STAGE_SIGNED
};

/*
 * Where stage 1 left the signer's query parameter values it encoded, by
 * their index in its list (offsets into s->scratch; SIZE_MAX: not there),
 * so that sigv4_sign(), running the stages back to back with nothing else
 * using scratch between, appends them again without encoding them again.
 */
#define NAUTH 6
struct auth_encoded
{
	size_t		off[NAUTH];
	size_t		len[NAUTH];
};

/* One of the signer's own query parameters (never NULL), lengths known. */
struct auth_param
{
	const char *name;			/* unreserved characters only */
	size_t		name_len;
	const char *value;
	size_t		value_len;
	bool		plain;			/* the value too: no encoding needed */
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
	bool		direct;			/* name points outside scratch */
	/* value_off is SIZE_MAX when the value points outside scratch */
};

/*
 * A cached signing key, kSigning for (date, region, service, key id), kept
 * as HMAC keeps a key: the SHA-256 states after the key's inner and outer
 * pad blocks (signer->keyed[2i], [2i + 1] for cache[i]), so signing with it
 * is two state copies and no re-keying.
 */
struct key_cache_entry
{
	bool		used;
	char		date[9];
	char		region[64];
	char		service[64];
	char		access_key_id[129];
	unsigned char secret_digest[SHA256_LEN];	/* the key id's secret, hashed */
};

struct sigv4_signer
{
	EVP_MD	   *md;
	EVP_MD_CTX *md_ctx;
	EVP_MD_CTX *md_fresh;		/* SHA-256 just initialised: copied, not
								 * re-initialised (an init costs more) */
	EVP_MAC    *mac;
	EVP_MAC_CTX *mac_ctx;
	struct key_cache_entry *cache;
	EVP_MD_CTX **keyed;			/* 2 per cache entry: inner, outer */
	unsigned	ncache;
	unsigned	next;
	unsigned long hits;
	unsigned long misses;
	/* the last signing time, formatted (gmtime_r and strftime are slow) */
	bool		have_time;
	time_t		time;
	char		amz_date[17];
	bool		date_plain;		/* amz_date needs no URI encoding */
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

/*
 * Room for extra more bytes and a NUL; the old block is wiped, not realloc'd.
 * The slow path of buf_reserve(), kept out of line.
 */
static bool __attribute__((noinline))
buf_grow(struct sigv4_buf *b, size_t extra)
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

/* Room for extra more bytes and a NUL (len + extra + 1 <= cap). */
static inline bool
buf_reserve(struct sigv4_buf *b, size_t extra)
{
	if (!b->failed && b->cap > b->len && extra < b->cap - b->len)
		return true;
	return buf_grow(b, extra);
}

static inline void
buf_append(struct sigv4_buf *b, const char *s, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void
buf_puts(struct sigv4_buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

static inline void
buf_putc(struct sigv4_buf *b, char c)
{
	if (!buf_reserve(b, 1))
		return;
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

/*
 * A run of appends of known total length: buf_span() reserves n bytes and
 * returns where they go (NULL on failure, b->failed set), put() copies
 * into it, buf_commit() takes the end of what was written.
 */
static inline char *
buf_span(struct sigv4_buf *b, size_t n)
{
	return buf_reserve(b, n) ? b->data + b->len : NULL;
}

static inline char *
put(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

static inline void
buf_commit(struct sigv4_buf *b, char *end)
{
	b->len = (size_t) (end - b->data);
	*end = '\0';
}

/* "000102...feff": each byte's two lower-case hex digits */
static const char hex_pairs[513] =
#define HEX_ROW(h) h "0" h "1" h "2" h "3" h "4" h "5" h "6" h "7" \
	h "8" h "9" h "a" h "b" h "c" h "d" h "e" h "f"
	HEX_ROW("0") HEX_ROW("1") HEX_ROW("2") HEX_ROW("3")
	HEX_ROW("4") HEX_ROW("5") HEX_ROW("6") HEX_ROW("7")
	HEX_ROW("8") HEX_ROW("9") HEX_ROW("a") HEX_ROW("b")
	HEX_ROW("c") HEX_ROW("d") HEX_ROW("e") HEX_ROW("f");
#undef HEX_ROW

static void
buf_hex(struct sigv4_buf *b, const unsigned char *bytes, size_t n)
{
	char	   *p;
	size_t		i;

	if (!buf_reserve(b, 2 * n))
		return;
	p = b->data + b->len;
	for (i = 0; i < n; i++)
		memcpy(p + 2 * i, hex_pairs + 2 * bytes[i], 2);
	b->len += 2 * n;
	b->data[b->len] = '\0';
}

/* The decimal digits of v, NUL-terminated, in out (11 bytes at least); the length. */
static size_t
fmt_uint(char *out, unsigned v)
{
	char		tmp[16];
	size_t		n = 0;
	size_t		i;

	do
	{
		tmp[n++] = (char) ('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
	return n;
}

void
sigv4_buf_append(struct sigv4_buf *b, const char *s, size_t n)
{
	buf_append(b, s, n);
}

bool
sigv4_buf_reserve(struct sigv4_buf *b, size_t extra)
{
	return buf_reserve(b, extra);
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

	if (!EVP_MD_CTX_copy_ex(g->md_ctx, g->md_fresh) ||
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

#define HMAC_BLOCK 64			/* SHA-256's block */

/*
 * Key HMAC-SHA256 as RFC 2104 does, once: inner and outer become the digest
 * states after (key ^ ipad) and (key ^ opad).  The key is at most a block.
 */
static int
hmac_prekey(struct sigv4_signer *g, const unsigned char *key, size_t keylen,
			EVP_MD_CTX *inner, EVP_MD_CTX *outer)
{
	unsigned char block[HMAC_BLOCK];
	size_t		i;
	int			rc = SIGV4_ERR_CRYPTO;

	if (keylen > HMAC_BLOCK)
		return SIGV4_ERR_INVALID;
	memset(block, 0x36, sizeof(block));
	for (i = 0; i < keylen; i++)
		block[i] ^= key[i];
	if (!EVP_DigestInit_ex2(inner, g->md, NULL) ||
		!EVP_DigestUpdate(inner, block, sizeof(block)))
		goto cleanup;
	for (i = 0; i < sizeof(block); i++)
		block[i] ^= 0x36 ^ 0x5c;
	if (!EVP_DigestInit_ex2(outer, g->md, NULL) ||
		!EVP_DigestUpdate(outer, block, sizeof(block)))
		goto cleanup;
	rc = SIGV4_OK;
cleanup:
	OPENSSL_cleanse(block, sizeof(block));
	return rc;
}

/* HMAC-SHA256 with a key made by hmac_prekey(): H(outer || H(inner || data)). */
static int
hmac_prekeyed(struct sigv4_signer *g, const EVP_MD_CTX *inner,
			  const EVP_MD_CTX *outer, const void *data, size_t len,
			  unsigned char out[SHA256_LEN])
{
	unsigned char inner_hash[SHA256_LEN];
	unsigned int outl = 0;
	int			rc = SIGV4_ERR_CRYPTO;

	if (EVP_MD_CTX_copy_ex(g->md_ctx, inner) &&
		(len == 0 || EVP_DigestUpdate(g->md_ctx, data, len)) &&
		EVP_DigestFinal_ex(g->md_ctx, inner_hash, &outl) && outl == SHA256_LEN &&
		EVP_MD_CTX_copy_ex(g->md_ctx, outer) &&
		EVP_DigestUpdate(g->md_ctx, inner_hash, SHA256_LEN) &&
		EVP_DigestFinal_ex(g->md_ctx, out, &outl) && outl == SHA256_LEN)
		rc = SIGV4_OK;
	OPENSSL_cleanse(inner_hash, sizeof(inner_hash));
	return rc;
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

/* Forget cache entry i: its names, digest and keyed states, wiped. */
static void
cache_entry_wipe(struct sigv4_signer *g, unsigned i)
{
	OPENSSL_cleanse(&g->cache[i], sizeof(g->cache[i]));
	/* frees the digest states with OPENSSL_clear_free */
	if (g->keyed[2 * i])
		EVP_MD_CTX_reset(g->keyed[2 * i]);
	if (g->keyed[2 * i + 1])
		EVP_MD_CTX_reset(g->keyed[2 * i + 1]);
}

/*
 * The signing key, from the cache when it holds one for this date, region,
 * service and access key id (the SDKs' cache key).  The secret's digest is
 * kept too, so a key id given with another secret (a test of a wrong
 * secret, say) never gets a stale key.  *entry is the cache entry whose
 * keyed states sign, or -1 when the key is not cached: then key holds it.
 */
static int
signing_key(struct sigv4_signer *g, const struct sigv4_config *cfg,
			const char *date, unsigned char key[SHA256_LEN], long *entry)
{
	const struct aws_credentials *c = cfg->credentials;
	unsigned char digest[SHA256_LEN];
	struct key_cache_entry *slot = NULL;
	bool		cacheable;
	unsigned	i;
	int			rc;

	*entry = -1;
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
			*entry = (long) i;
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
		i = (unsigned) (slot - g->cache);
		cache_entry_wipe(g, i);
		if (hmac_prekey(g, key, SHA256_LEN, g->keyed[2 * i], g->keyed[2 * i + 1]) != SIGV4_OK)
			cache_entry_wipe(g, i);	/* sign with key, uncached */
		else
		{
			slot->used = true;
			strcpy(slot->date, date);
			strcpy(slot->region, cfg->region);
			strcpy(slot->service, cfg->service);
			strcpy(slot->access_key_id, c->access_key_id);
			memcpy(slot->secret_digest, digest, SHA256_LEN);
			*entry = (long) i;
		}
	}
	OPENSSL_cleanse(digest, sizeof(digest));
	return rc;
}

struct sigv4_signer *
sigv4_signer_new(unsigned cache_entries)
{
	struct sigv4_signer *g = calloc(1, sizeof(*g));
	OSSL_PARAM	params[2];
	size_t		i = 0;

	if (g == NULL)
		return NULL;
	g->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	g->md_ctx = EVP_MD_CTX_new();
	g->md_fresh = EVP_MD_CTX_new();
	g->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	g->mac_ctx = g->mac ? EVP_MAC_CTX_new(g->mac) : NULL;
	if (cache_entries > 0)
	{
		g->cache = calloc(cache_entries, sizeof(*g->cache));
		g->keyed = calloc(cache_entries, 2 * sizeof(*g->keyed));
		g->ncache = cache_entries;
		for (i = 0; g->keyed && i < 2 * (size_t) cache_entries; i++)
			if ((g->keyed[i] = EVP_MD_CTX_new()) == NULL)
				break;
	}
	if (!g->md || !g->md_ctx || !g->md_fresh || !g->mac || !g->mac_ctx ||
		!EVP_DigestInit_ex2(g->md_fresh, g->md, NULL) ||
		(cache_entries > 0 &&
		 (!g->cache || !g->keyed || i < 2 * (size_t) cache_entries)))
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
	unsigned	i;

	if (signer && signer->cache && signer->keyed)
		for (i = 0; i < signer->ncache; i++)
			cache_entry_wipe(signer, i);
	else if (signer && signer->cache)
		OPENSSL_cleanse(signer->cache, signer->ncache * sizeof(*signer->cache));
	if (signer)
		signer->next = 0;
}

void
sigv4_signer_free(struct sigv4_signer *signer)
{
	size_t		i;

	if (signer == NULL)
		return;
	sigv4_signer_clear_cache(signer);
	free(signer->cache);
	if (signer->keyed)
		for (i = 0; i < 2 * (size_t) signer->ncache; i++)
			EVP_MD_CTX_free(signer->keyed[i]);	/* NULL is fine */
	free(signer->keyed);
	EVP_MAC_CTX_free(signer->mac_ctx);	/* cleanses the keyed state */
	EVP_MAC_free(signer->mac);
	EVP_MD_CTX_free(signer->md_ctx);
	EVP_MD_CTX_free(signer->md_fresh);
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

/*
 * Characters left as they are: RFC 3986's unreserved ones are 3, '/' is 2;
 * a character is kept when it has the bit of the mask, 1 (every segment
 * of a path, a query) or 2 (a path, '/' kept).  The AND of a run of them
 * has the bit when every one does.
 */
#define URI_KEEP 1
#define URI_KEEP_SLASH 2
static const unsigned char uri_plain[256] = {
	['A' ... 'Z'] = 3, ['a' ... 'z'] = 3, ['0' ... '9'] = 3,
	['-'] = 3, ['_'] = 3, ['.'] = 3, ['~'] = 3, ['/'] = 2
};

/* RFC 3986 encoding as SigV4 wants it: %XX, upper-case, space as %20. */
void
sigv4_uri_encode(struct sigv4_buf *out, const char *s, size_t len, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char keep = keep_slash ? URI_KEEP_SLASH : URI_KEEP;
	unsigned	keep_bit = keep_slash ? 1 : 0;	/* keep is 1 << keep_bit */
	const unsigned char *in = (const unsigned char *) s;
	const unsigned char *end = in + len;
	char	   *p;

	if (len > SIZE_MAX / 3)
	{
		out->failed = true;
		return;
	}
	if (!buf_reserve(out, 3 * len))
		return;
	p = out->data + out->len;

	/*
	 * Eight characters at a time: copy them all, keep the run of those
	 * that stay as they are, then encode the one after it.  The copy is
	 * in bounds: 3 * len was reserved, and at least 8 characters remain.
	 */
	while (end - in >= 8)
	{
		unsigned	kept;		/* bit k: in[k] stays as it is */
		unsigned	coded;
		unsigned	run;
		unsigned char c;

		memcpy(p, in, 8);
#define KEPT(k) ((unsigned) (uri_plain[in[k]] >> keep_bit & 1) << (k))
		kept = KEPT(0) | KEPT(1) | KEPT(2) | KEPT(3) |
			KEPT(4) | KEPT(5) | KEPT(6) | KEPT(7);
#undef KEPT
		coded = ~kept & 0xff;
		if (coded == 0)
		{
			p += 8;
			in += 8;
			continue;
		}
		run = (unsigned) __builtin_ctz(coded);
		p += run;
		in += run;
		c = *in++;
		p[0] = '%';
		p[1] = hex[c >> 4];
		p[2] = hex[c & 15];
		p += 3;
	}
	while (in < end)
	{
		unsigned char c = *in++;

		if (uri_plain[c] & keep)
			*p++ = (char) c;
		else
		{
			p[0] = '%';
			p[1] = hex[c >> 4];
			p[2] = hex[c & 15];
			p += 3;
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

/* ' ', or '\t', '\n', '\v', '\f', '\r' (9 to 13) */
static inline bool
space(char c)
{
	return c == ' ' || (unsigned char) (c - '\t') <= '\r' - '\t';
}

/*
 * Whether any of the n bytes is ' ' or below (so perhaps whitespace), eight
 * at a time: a byte below 0x21 is the only one that can set its top bit in
 * (w - 0x21...) & ~w, and no borrow crosses a byte unless one is.
 */
static bool
has_low_byte(const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101u;
	const uint64_t tops = 0x8080808080808080u;

	for (; n >= 8; s += 8, n -= 8)
	{
		uint64_t	w;

		memcpy(&w, s, 8);
		if ((w - 0x21 * ones) & ~w & tops)
			return true;
	}
	for (; n > 0; s++, n--)
		if ((unsigned char) *s <= ' ')
			return true;
	return false;
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
	if (!has_low_byte(value, n))
	{
		/* no whitespace: the value as it is */
		memcpy(p, value, n);
		out->len += n;
		out->data[out->len] = '\0';
		return;
	}
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

/* Byte order (negative, zero, positive); the first eight bytes compared at once. */
static inline int
bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t		n = alen < blen ? alen : blen;
	int			c;

	if (n >= 8)
	{
		uint64_t	x;
		uint64_t	y;

		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
		{
			/* as big-endian numbers: the first byte most significant */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			x = __builtin_bswap64(x);
			y = __builtin_bswap64(y);
#endif
			return x < y ? -1 : 1;
		}
	}
	if ((c = memcmp(a, b, n)) != 0)
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

/*
 * Sort entries: insertion sort for the few a request has (inlined, with
 * the comparison, where it is called), qsort beyond.  Both comparisons
 * are total orders (equal entries are equal bytes, or told apart by seq),
 * so the result is the same either way.
 */
static inline __attribute__((always_inline)) void
entries_sort(struct sigv4_entry *e, size_t n,
			 int (*cmp) (const void *, const void *))
{
	size_t		i;

	if (n > 16)
	{
		qsort(e, n, sizeof(*e), cmp);
		return;
	}
	for (i = 1; i < n; i++)
	{
		struct sigv4_entry x = e[i];
		size_t		j = i;

		while (j > 0 && cmp(&e[j - 1], &x) > 0)
		{
			e[j] = e[j - 1];
			j--;
		}
		e[j] = x;
	}
}

/* Offsets into scratch become pointers once scratch stops growing. */
static void
entries_point(struct sigv4_signing *s, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
	{
		if (!s->entries[i].direct)
			s->entries[i].name = s->scratch.data + s->entries[i].name_off;
		if (s->entries[i].value_off != SIZE_MAX)
			s->entries[i].value = s->scratch.data + s->entries[i].value_off;
	}
}

/*
 * The canonical query of two lists of parameters: the request's (a), and
 * the signer's own (b), whose lengths are known and whose names are
 * unreserved characters only, which encoding would leave as they are; so
 * are the values marked plain.  Those are used as they are.
 */
static int
canonical_query(struct sigv4_signing *s, struct sigv4_buf *out,
				const struct sigv4_param *a, size_t na,
				const struct auth_param *b, size_t nb,
				struct auth_encoded *enc)
{
	size_t		n = na + nb;
	size_t		total;
	size_t		i;
	char	   *p;

	sigv4_buf_reset(&s->scratch);
	if (!entries_reserve(s, n))
		return SIGV4_ERR_NOMEM;
	for (i = 0; i < na; i++)
	{
		struct sigv4_entry *e = &s->entries[i];
		const char *value = a[i].value ? a[i].value : "";

		if (a[i].name == NULL)
			return SIGV4_ERR_INVALID;
		e->seq = i;
		e->direct = false;
		e->name_off = s->scratch.len;
		sigv4_uri_encode(&s->scratch, a[i].name, strlen(a[i].name), false);
		e->name_len = s->scratch.len - e->name_off;
		e->value_off = s->scratch.len;
		sigv4_uri_encode(&s->scratch, value, strlen(value), false);
		e->value_len = s->scratch.len - e->value_off;
	}
	for (i = 0; i < nb; i++)
	{
		struct sigv4_entry *e = &s->entries[na + i];

		e->seq = na + i;
		e->direct = true;
		e->name = b[i].name;
		e->name_len = b[i].name_len;
		if (b[i].plain)
		{
			e->value = b[i].value;
			e->value_len = b[i].value_len;
			e->value_off = SIZE_MAX;
		}
		else
		{
			e->value_off = s->scratch.len;
			sigv4_uri_encode(&s->scratch, b[i].value, b[i].value_len, false);
			e->value_len = s->scratch.len - e->value_off;
			if (enc && i < NAUTH)
			{
				enc->off[i] = e->value_off;
				enc->len[i] = e->value_len;
			}
		}
	}
	if (s->scratch.failed)
		return SIGV4_ERR_NOMEM;
	if (n == 0)
		return out->failed ? SIGV4_ERR_NOMEM : SIGV4_OK;
	entries_point(s, n);
	entries_sort(s->entries, n, param_cmp);
	total = n * 2 - 1;			/* the '='s and '&'s */
	for (i = 0; i < n; i++)
		total += s->entries[i].name_len + s->entries[i].value_len;
	if ((p = buf_span(out, total)) != NULL)
	{
		for (i = 0; i < n; i++)
		{
			if (i > 0)
				*p++ = '&';
			p = put(p, s->entries[i].name, s->entries[i].name_len);
			*p++ = '=';
			p = put(p, s->entries[i].value, s->entries[i].value_len);
		}
		buf_commit(out, p);
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

/* False for a name not in unsigned_headers (by its first letter). */
static inline bool
maybe_unsigned(const char *name)
{
	switch (name[0] | 0x20)
	{
		case 'u':
		case 'e':
		case 'c':
		case 't':
		case 'x':
			return true;
	}
	return false;
}

/* Whether sorted header i has the name of the one before it. */
static inline bool
e_repeat(const struct sigv4_signing *s, size_t i)
{
	const struct sigv4_entry *e = &s->entries[i];

	return bytes_cmp(e->name, e->name_len, e[-1].name, e[-1].name_len) == 0;
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
	size_t		block_len;
	size_t		names_len;
	size_t		i;
	char	   *q;
	char	   *r;

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
		if (maybe_unsigned(h->name) && in_list(h->name, unsigned_headers, true))
			continue;
		e = &s->entries[n];
		e->direct = false;
		e->name_off = s->scratch.len;
		e->name_len = strlen(h->name);
		/* the name lower-cased, and a NUL to keep it a C string */
		if ((q = buf_span(&s->scratch, e->name_len + 1)) == NULL)
			return SIGV4_ERR_NOMEM;
		for (k = 0; k < e->name_len; k++)
			q[k] = (char) (h->name[k] >= 'A' && h->name[k] <= 'Z' ?
						   h->name[k] + ('a' - 'A') : h->name[k]);
		q[e->name_len] = '\0';
		buf_commit(&s->scratch, q + e->name_len + 1);
		if (e->name_len == 4 && memcmp(q, "host", 4) == 0)
			*has_host = true;
		e->value_off = s->scratch.len;
		sigv4_header_value(&s->scratch, h->value ? h->value : "");
		e->value_len = s->scratch.len - e->value_off;
		buf_putc(&s->scratch, '\0');
		e->seq = i;
		n++;
	}
	if (s->scratch.failed)
		return SIGV4_ERR_NOMEM;
	if (n == 0)
		return block->failed || names->failed ? SIGV4_ERR_NOMEM : SIGV4_OK;
	entries_point(s, n);
	entries_sort(s->entries, n, header_cmp);

	/* how long each comes to, then each in one piece */
	block_len = 1;				/* the last '\n' */
	names_len = 0;
	for (i = 0; i < n; i++)
	{
		const struct sigv4_entry *e = &s->entries[i];

		if (i > 0 && e_repeat(s, i))
			block_len += 1 + e->value_len;	/* ",value" */
		else
		{
			block_len += (i > 0) + e->name_len + 1 + e->value_len;	/* "\nname:value" */
			names_len += (i > 0) + e->name_len;	/* ";name" */
		}
	}
	if ((q = buf_span(block, block_len)) == NULL ||
		(r = buf_span(names, names_len)) == NULL)
		return SIGV4_ERR_NOMEM;
	for (i = 0; i < n; i++)
	{
		const struct sigv4_entry *e = &s->entries[i];

		if (i > 0 && e_repeat(s, i))
			*q++ = ',';
		else
		{
			if (i > 0)
			{
				*q++ = '\n';
				*r++ = ';';
			}
			q = put(q, e->name, e->name_len);
			*q++ = ':';
			r = put(r, e->name, e->name_len);
		}
		q = put(q, e->value, e->value_len);
	}
	*q++ = '\n';
	buf_commit(block, q);
	buf_commit(names, r);
	return SIGV4_OK;
}

int
sigv4_canonical_query_of(struct sigv4_signing *s, struct sigv4_buf *out,
						 const struct sigv4_param *params, size_t n)
{
	return canonical_query(s, out, params, n, NULL, 0, NULL);
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

/* The state's buffers: the first STAGE1_BUFS are the ones stage 1 fills. */
#define STATE_BUFS 12
#define STAGE1_BUFS 8

static struct sigv4_buf *
state_bufs(struct sigv4_signing *s, size_t i)
{
	static const size_t offsets[] = {
		offsetof(struct sigv4_signing, payload_hash),
		offsetof(struct sigv4_signing, credential_scope),
		offsetof(struct sigv4_signing, credential),
		offsetof(struct sigv4_signing, canonical_headers),
		offsetof(struct sigv4_signing, signed_headers),
		offsetof(struct sigv4_signing, canonical_query),
		offsetof(struct sigv4_signing, canonical_request),
		offsetof(struct sigv4_signing, scratch),
		offsetof(struct sigv4_signing, string_to_sign),
		offsetof(struct sigv4_signing, signature),
		offsetof(struct sigv4_signing, authorization),
		offsetof(struct sigv4_signing, auth_query)
	};

	_Static_assert(sizeof(offsets) / sizeof(offsets[0]) == STATE_BUFS,
				   "every buffer of the state listed");
	return i < sizeof(offsets) / sizeof(offsets[0]) ?
		(struct sigv4_buf *) ((char *) s + offsets[i]) : NULL;
}

/*
 * Empty the state for a new signing.  The first nheld buffers (those the
 * stages about to run fill: stage 1's, or all for sigv4_sign()) are
 * emptied without being wiped first, their old lengths kept in held[]:
 * the new contents overwrite the old from the start, and state_wipe_tails(),
 * run however those stages end, wipes whatever of the old is left beyond
 * them.  So each holds, when the call returns, what it would have held had
 * it been wiped here, and the bytes rewritten anyway are not wiped twice.
 * The other buffers are wiped now, as stage 1 leaves them empty.
 */
static void
state_reset(struct sigv4_signing *s, size_t held[STATE_BUFS], size_t nheld)
{
	struct sigv4_buf *b;
	size_t		i;

	for (i = 0; (b = state_bufs(s, i)) != NULL; i++)
	{
		if (i >= nheld)
		{
			sigv4_buf_reset(b);
			continue;
		}
		held[i] = b->data ? b->len : 0;
		if (b->data)
			b->data[0] = '\0';
		b->len = 0;
		b->failed = false;
	}
	s->stage = STAGE_NONE;
	s->nout_headers = 0;
	memset(s->out_headers, 0, sizeof(s->out_headers));
	s->amz_date[0] = s->date[0] = '\0';
}

/* Wipe what is left of the old contents past the new ones and their NUL. */
static void
state_wipe_tails(struct sigv4_signing *s, const size_t held[STATE_BUFS], size_t nheld)
{
	size_t		i;

	for (i = 0; i < nheld; i++)
	{
		struct sigv4_buf *b = state_bufs(s, i);

		/* a buffer that grew wiped its old block; cap only grows */
		if (b->data && held[i] > b->len + 1)
			OPENSSL_cleanse(b->data + b->len + 1, held[i] - b->len - 1);
	}
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
			strncmp(req->params[i].name, "X-Amz-", 6) == 0 &&
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

static void
put2(char *p, int v)
{
	p[0] = (char) ('0' + v / 10);
	p[1] = (char) ('0' + v % 10);
}

/*
 * YYYYMMDDTHHMMSSZ, as strftime's "%Y%m%dT%H%M%SZ" writes it; false unless
 * that is 16 characters.  Four-digit years are formatted here, others (and
 * fields out of range) left to strftime.
 */
static bool
format_amz_date(char out[17], const struct tm *tm)
{
	int			year = tm->tm_year + 1900;

	if (tm->tm_year < 1000 - 1900 || tm->tm_year > 9999 - 1900 ||
		tm->tm_mon < 0 || tm->tm_mon > 11 || tm->tm_mday < 1 || tm->tm_mday > 31 ||
		tm->tm_hour < 0 || tm->tm_hour > 23 || tm->tm_min < 0 || tm->tm_min > 59 ||
		tm->tm_sec < 0 || tm->tm_sec > 60)
		return strftime(out, 17, "%Y%m%dT%H%M%SZ", tm) == 16;
	put2(out, year / 100);
	put2(out + 2, year % 100);
	put2(out + 4, tm->tm_mon + 1);
	put2(out + 6, tm->tm_mday);
	out[8] = 'T';
	put2(out + 9, tm->tm_hour);
	put2(out + 11, tm->tm_min);
	put2(out + 13, tm->tm_sec);
	out[15] = 'Z';
	out[16] = '\0';
	return true;
}

/*
 * Stage 1: the canonical request, six lines joined by '\n':
 *   method, canonical URI, canonical query, canonical headers (each line
 *   ending in '\n'), signed header names, hex SHA-256 of the payload.
 * The query form's X-Amz-* parameters are in the canonical query.  The
 * caller has emptied the state (state_reset()); enc, if given, learns
 * where the values encoded here were left in scratch.
 */
static int
canonical_request_fill(struct sigv4_signing *s, struct sigv4_signer *signer,
					   const struct sigv4_config *config,
					   const struct sigv4_request *request,
					   struct auth_encoded *enc)
{
	const struct sigv4_config *cfg = config;
	const struct sigv4_request *req = request;
	struct sigv4_header added[3];
	struct auth_param auth[NAUTH];
	size_t		nadded = 0;
	size_t		nauth = 0;
	size_t		nexpires = 0;
	unsigned char digest[SHA256_LEN];
	char		expires[16];
	struct tm	tm;
	bool		has_host;
	bool		sign_token;
	size_t		i;
	int			rc;

	if (enc)
		for (i = 0; i < NAUTH; i++)
			enc->off[i] = SIZE_MAX;
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
	if (!signer->have_time || signer->time != cfg->time)
	{
		signer->have_time = false;
		if (gmtime_r(&cfg->time, &tm) == NULL ||
			!format_amz_date(signer->amz_date, &tm))
			return SIGV4_ERR_INVALID;
		signer->time = cfg->time;
		signer->date_plain = true;
		for (i = 0; i < 16; i++)
			if (!(uri_plain[(unsigned char) signer->amz_date[i]] & URI_KEEP))
				signer->date_plain = false;
		signer->have_time = true;
	}
	memcpy(s->amz_date, signer->amz_date, sizeof(s->amz_date));
	memcpy(s->date, s->amz_date, 8);
	s->date[8] = '\0';

	/* CredentialScope, and AKID/scope */
	{
		size_t		region_len = strlen(cfg->region);
		size_t		service_len = strlen(cfg->service);
		size_t		akid_len = strlen(cfg->credentials->access_key_id);
		size_t		scope_len = 8 + 1 + region_len + 1 + service_len + 13;
		char	   *p;

		if ((p = buf_span(&s->credential_scope, scope_len)) != NULL)
		{
			p = put(p, s->date, 8);
			*p++ = '/';
			p = put(p, cfg->region, region_len);
			*p++ = '/';
			p = put(p, cfg->service, service_len);
			p = put(p, "/aws4_request", 13);
			buf_commit(&s->credential_scope, p);
			if ((p = buf_span(&s->credential, akid_len + 1 + scope_len)) != NULL)
			{
				p = put(p, cfg->credentials->access_key_id, akid_len);
				*p++ = '/';
				p = put(p, s->credential_scope.data, scope_len);
				buf_commit(&s->credential, p);
			}
		}
	}

	/* HashedPayload */
	if (cfg->payload_hash)
		buf_puts(&s->payload_hash, cfg->payload_hash);
	else if (req->body_len == 0)
		buf_append(&s->payload_hash, EMPTY_SHA256, 64);
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
#define AUTH(name, value, len, plain) (struct auth_param) {name, sizeof(name) - 1, value, len, plain}
		nexpires = fmt_uint(expires, cfg->expires);
		auth[nauth++] = AUTH("X-Amz-Algorithm", ALGORITHM, sizeof(ALGORITHM) - 1, true);
		auth[nauth++] = AUTH("X-Amz-Credential", s->credential.data, s->credential.len, false);
		auth[nauth++] = AUTH("X-Amz-Date", s->amz_date, 16, signer->date_plain);
		auth[nauth++] = AUTH("X-Amz-Expires", expires, nexpires, true);
		auth[nauth++] = AUTH("X-Amz-SignedHeaders", s->signed_headers.data,
							 s->signed_headers.len, false);
		if (sign_token)
			auth[nauth++] = AUTH("X-Amz-Security-Token", cfg->credentials->session_token,
								 strlen(cfg->credentials->session_token), false);
#undef AUTH
	}
	if ((rc = canonical_query(s, &s->canonical_query, req->params, req->nparams,
							  auth, nauth, enc)) != SIGV4_OK)
		return rc;

	/* the six lines */
	{
		struct sigv4_buf *cr = &s->canonical_request;
		size_t		method_len = strlen(req->method);
		size_t		path_len = strlen(req->path);
		char	   *p;

		/* room for all, so the path's few appends do not grow it */
		if (path_len < SIZE_MAX / 4)
			buf_reserve(cr, method_len + 3 * path_len + 8 +
						s->canonical_query.len + s->canonical_headers.len +
						s->signed_headers.len + s->payload_hash.len);
		if ((p = buf_span(cr, method_len + 1)) != NULL)
		{
			p = put(p, req->method, method_len);	/* HTTPMethod */
			*p++ = '\n';
			buf_commit(cr, p);
		}
		sigv4_canonical_path(cr, req->path,	/* CanonicalURI */
							 cfg->normalize, cfg->encode_path);
		if ((p = buf_span(cr, 4 + s->canonical_query.len + s->canonical_headers.len +
						  s->signed_headers.len + s->payload_hash.len)) != NULL)
		{
			*p++ = '\n';
			if (s->canonical_query.len)	/* CanonicalQueryString */
				p = put(p, s->canonical_query.data, s->canonical_query.len);
			*p++ = '\n';
			p = put(p, s->canonical_headers.data, s->canonical_headers.len);	/* CanonicalHeaders */
			*p++ = '\n';
			p = put(p, s->signed_headers.data, s->signed_headers.len);	/* SignedHeaders */
			*p++ = '\n';
			p = put(p, s->payload_hash.data, s->payload_hash.len);	/* HashedPayload */
			buf_commit(cr, p);
		}
	}
	if (s->canonical_request.failed)
		return SIGV4_ERR_NOMEM;
	s->stage = STAGE_CANONICAL_REQUEST;
	return SIGV4_OK;
}

int
sigv4_canonical_request(struct sigv4_signing *s, struct sigv4_signer *signer,
						const struct sigv4_config *config,
						const struct sigv4_request *request)
{
	size_t		held[STATE_BUFS];
	int			rc;

	state_reset(s, held, STAGE1_BUFS);
	rc = canonical_request_fill(s, signer, config, request, NULL);
	state_wipe_tails(s, held, STAGE1_BUFS);
	return rc;
}

/* Stage 2: algorithm, timestamp, scope, hex SHA-256 of the canonical request. */
int
sigv4_string_to_sign(struct sigv4_signing *s)
{
	unsigned char digest[SHA256_LEN];
	char	   *p;
	int			rc;

	if (s->stage != STAGE_CANONICAL_REQUEST)
		return SIGV4_ERR_STAGE;
	if ((rc = sha256(s->signer, s->canonical_request.data, s->canonical_request.len,
					 digest)) != SIGV4_OK)
		return rc;
	if ((p = buf_span(&s->string_to_sign, sizeof(ALGORITHM) + 17 +
					  s->credential_scope.len + 1)) != NULL)
	{
		p = put(p, ALGORITHM "\n", sizeof(ALGORITHM));	/* Algorithm */
		p = put(p, s->amz_date, 16);	/* RequestDateTime */
		*p++ = '\n';
		p = put(p, s->credential_scope.data, s->credential_scope.len);	/* CredentialScope */
		*p++ = '\n';
		buf_commit(&s->string_to_sign, p);
	}
	buf_hex(&s->string_to_sign, digest, SHA256_LEN);	/* HashedCanonicalRequest */
	if (s->string_to_sign.failed)
		return SIGV4_ERR_NOMEM;
	s->stage = STAGE_STRING_TO_SIGN;
	return SIGV4_OK;
}

/* Value i of the signer's parameters, encoded: from scratch if stage 1 left it there. */
static void
auth_value(struct sigv4_signing *s, const struct auth_encoded *enc, size_t i,
		   const char *value, size_t len)
{
	if (enc && enc->off[i] != SIZE_MAX)
		buf_append(&s->auth_query, s->scratch.data + enc->off[i], enc->len[i]);
	else
		sigv4_uri_encode(&s->auth_query, value, len, false);
}

/* The query form's parameters to append, botocore's order, signature last. */
static void
build_auth_query(struct sigv4_signing *s, const struct auth_encoded *enc)
{
	const struct sigv4_config *cfg = s->config;
	struct sigv4_buf *q = &s->auth_query;
	char		expires[16];
	size_t		nexpires = fmt_uint(expires, cfg->expires);
	char	   *p;

#define AUTH_QUERY_HEAD "X-Amz-Algorithm=" ALGORITHM "&X-Amz-Credential="
	if ((p = buf_span(q, sizeof(AUTH_QUERY_HEAD) - 1)) != NULL)
		buf_commit(q, put(p, AUTH_QUERY_HEAD, sizeof(AUTH_QUERY_HEAD) - 1));
	auth_value(s, enc, 1, s->credential.data, s->credential.len);
	if ((p = buf_span(q, 12 + 16 + 15 + nexpires + 21)) != NULL)
	{
		p = put(p, "&X-Amz-Date=", 12);
		p = put(p, s->amz_date, 16);
		p = put(p, "&X-Amz-Expires=", 15);
		p = put(p, expires, nexpires);
		p = put(p, "&X-Amz-SignedHeaders=", 21);
		buf_commit(q, p);
	}
	auth_value(s, enc, 4, s->signed_headers.data, s->signed_headers.len);
	if (has_token(cfg))
	{
		/* with omit_session_token it comes after signing, unsigned */
		buf_puts(q, "&X-Amz-Security-Token=");
		auth_value(s, enc, 5, cfg->credentials->session_token,
				   strlen(cfg->credentials->session_token));
	}
	if ((p = buf_span(q, 17 + s->signature.len)) != NULL)
	{
		p = put(p, "&X-Amz-Signature=", 17);
		buf_commit(q, put(p, s->signature.data, s->signature.len));
	}
#undef AUTH_QUERY_HEAD
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
static int
signature(struct sigv4_signing *s, const struct auth_encoded *enc)
{
	struct sigv4_signer *g = s->signer;
	unsigned char key[SHA256_LEN];
	unsigned char mac[SHA256_LEN];
	long		entry;
	int			rc;

	if (s->stage != STAGE_STRING_TO_SIGN)
		return SIGV4_ERR_STAGE;
	rc = signing_key(g, s->config, s->date, key, &entry);
	if (rc == SIGV4_OK && entry >= 0)
		rc = hmac_prekeyed(g, g->keyed[2 * entry], g->keyed[2 * entry + 1],
						   s->string_to_sign.data, s->string_to_sign.len, mac);
	else if (rc == SIGV4_OK)
		rc = hmac(g, key, SHA256_LEN, s->string_to_sign.data,
				  s->string_to_sign.len, mac);
	OPENSSL_cleanse(key, sizeof(key));
	if (rc != SIGV4_OK)
		return rc;
	buf_hex(&s->signature, mac, SHA256_LEN);
	if (s->config->form == SIGV4_FORM_HEADERS)
		build_headers(s);
	else
		build_auth_query(s, enc);
	if (s->signature.failed || s->authorization.failed || s->auth_query.failed)
		return SIGV4_ERR_NOMEM;
	s->stage = STAGE_SIGNED;
	return SIGV4_OK;
}

int
sigv4_signature(struct sigv4_signing *s)
{
	return signature(s, NULL);
}

int
sigv4_sign(struct sigv4_signing *s, struct sigv4_signer *signer,
		   const struct sigv4_config *config, const struct sigv4_request *request)
{
	struct auth_encoded enc;
	size_t		held[STATE_BUFS];
	int			rc;

	/* the three stages run here, so every buffer's wipe waits for the end */
	state_reset(s, held, STATE_BUFS);
	if ((rc = canonical_request_fill(s, signer, config, request, &enc)) == SIGV4_OK &&
		(rc = sigv4_string_to_sign(s)) == SIGV4_OK)
		rc = signature(s, &enc);
	state_wipe_tails(s, held, STATE_BUFS);
	return rc;
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
