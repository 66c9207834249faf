/*
 * test/bench/lib_floor.c
 *		The peak RSS of starting a library and nothing else, to set beside
 *		appdb's own figures: build with -DWITH_CURL (curl_global_init and one
 *		easy handle, what any libcurl call does first) or with no define (an
 *		empty program: the process itself).  Asserts nothing.
 */
#ifdef WITH_CURL
#include <curl/curl.h>
#endif

int
main(void)
{
#ifdef WITH_CURL
	CURL	   *curl;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || (curl = curl_easy_init()) == NULL)
		return 1;
	curl_easy_cleanup(curl);
	curl_global_cleanup();
#endif
	return 0;
}
