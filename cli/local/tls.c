/*
 * cli/local/tls.c
 *		The local cluster's TLS, as Aurora's: a self-signed certificate made
 *		with OpenSSL at provision, its key and certificate in the data
 *		directory for the server, the certificate again in the state
 *		directory for clients (sslrootcert, sslmode=verify-ca).
 */
#include "local_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cli/msgs.h"

/* as TLS_SETTINGS names them */
#define CERT_FILE "server.crt"
#define KEY_FILE "server.key"
#define ROOT_FILE "root.crt"
#define CERT_DAYS 3650L

/* The certificate clients trust: the cluster's own, in the state directory. */
char *
tls_root_path(const struct local_env *e)
{
	return str_printf("%s/" ROOT_FILE, e->state_dir);
}

/* Whether the key and certificates are where the server and clients look. */
static bool
tls_files_present(const struct local_env *e)
{
	char	   *cert = str_printf("%s/" CERT_FILE, e->data_dir);
	char	   *key = str_printf("%s/" KEY_FILE, e->data_dir);
	char	   *root = tls_root_path(e);
	bool		present = access(cert, F_OK) == 0 && access(key, F_OK) == 0 &&
		access(root, F_OK) == 0;

	free(cert);
	free(key);
	free(root);
	return present;
}

static bool
add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	bool		ok;

	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	ok = ext != NULL && X509_add_ext(x, ext, -1) == 1;
	X509_EXTENSION_free(ext);
	return ok;
}

/* A PEM text of what write writes into a memory BIO; NULL on failure. */
static char *
pem_text(BIO *bio)
{
	char	   *data;
	long		len = BIO_get_mem_data(bio, &data);
	char	   *text;

	if (len <= 0)
		return NULL;
	text = xmalloc((size_t) len + 1);
	memcpy(text, data, (size_t) len);
	text[len] = '\0';
	return text;
}

/*
 * A P-256 key and a certificate for 127.0.0.1 and localhost that signs
 * itself (CA:TRUE, so that it is its own trust anchor), valid ten years.
 */
static int
make_cert(const struct local_env *e, char **cert_pem, char **key_pem)
{
	EVP_PKEY   *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509	   *x = X509_new();
	X509_NAME  *name = X509_NAME_new();
	BIGNUM	   *serial = BN_new();
	BIO		   *cbio = BIO_new(BIO_s_mem());
	BIO		   *kbio = BIO_new(BIO_s_mem());
	const char *base = strrchr(e->state_dir, '/');
	char	   *cn = str_printf("appdb local cluster %s", base ? base + 1 : e->state_dir);
	int			rc = -1;

	*cert_pem = *key_pem = NULL;
	if (key && x && name && serial && cbio && kbio &&
		X509_set_version(x, 2) == 1 &&
		BN_rand(serial, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
		BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) != NULL &&
		X509_gmtime_adj(X509_getm_notBefore(x), -3600) != NULL &&
		X509_gmtime_adj(X509_getm_notAfter(x), CERT_DAYS * 24 * 3600) != NULL &&
		X509_set_pubkey(x, key) == 1 &&
		X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
								   (const unsigned char *) cn, -1, -1, 0) == 1 &&
		X509_set_subject_name(x, name) == 1 && X509_set_issuer_name(x, name) == 1 &&
		add_ext(x, NID_basic_constraints, "critical,CA:TRUE") &&
		add_ext(x, NID_key_usage, "critical,digitalSignature,keyCertSign") &&
		add_ext(x, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost") &&
		X509_sign(x, key, EVP_sha256()) > 0 &&
		PEM_write_bio_X509(cbio, x) == 1 &&
		PEM_write_bio_PrivateKey(kbio, key, NULL, NULL, 0, NULL, NULL) == 1 &&
		(*cert_pem = pem_text(cbio)) != NULL && (*key_pem = pem_text(kbio)) != NULL)
		rc = 0;
	if (rc != 0)
	{
		errorf("cannot make the cluster's TLS certificate (OpenSSL)");
		free(*cert_pem);
		*cert_pem = NULL;
	}
	free(cn);
	BIO_free(cbio);
	BIO_free(kbio);
	BN_free(serial);
	X509_NAME_free(name);
	X509_free(x);
	EVP_PKEY_free(key);
	return rc;
}

/*
 * Make the key and certificate unless all three files are there: the server's
 * in the data directory, owned by its OS user (0600 for the key, as
 * PostgreSQL demands), and the certificate clients trust in the state
 * directory.  0, or -1 with the error reported.
 */
int
tls_make_files(const struct local_env *e)
{
	char	   *cert_pem;
	char	   *key_pem;
	char	   *cert = str_printf("%s/" CERT_FILE, e->data_dir);
	char	   *key = str_printf("%s/" KEY_FILE, e->data_dir);
	char	   *root = tls_root_path(e);
	int			rc = 0;

	if (!tls_files_present(e))
	{
		rc = make_cert(e, &cert_pem, &key_pem);
		if (rc == 0)
		{
			rc = write_server_file(e, key, key_pem, 0600) == 0 &&
				write_server_file(e, cert, cert_pem, 0644) == 0 ? 0 : -1;
			if (rc == 0 && write_file_atomic(root, cert_pem, 0644) != 0)
			{
				errorf("cannot write %s: %s", root, strerror(errno));
				rc = -1;
			}
			wipe_free(key_pem);
			free(cert_pem);
		}
	}
	free(cert);
	free(key);
	free(root);
	return rc;
}

/*
 * Whether the cluster takes TLS: the files are there and postgresql.conf's
 * appdb block turns it on.  An environment provisioned before appdb's local
 * clusters did is not, until provision configures it again.
 */
bool
tls_configured(const struct local_env *e)
{
	char	   *confpath = str_printf("%s/postgresql.conf", e->data_dir);
	char	   *conf = read_file(confpath);
	const char *block = conf ? strstr(conf, "\n# appdb\n") : NULL;
	bool		on = block && strstr(block, "\n" TLS_SETTINGS) && tls_files_present(e);

	free(conf);
	free(confpath);
	return on;
}
