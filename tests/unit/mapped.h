/*
 * mapped.h: whether a file is mapped in this process now (a line of
 * /proc/self/maps names it), for the tests that a large file took the
 * input layer's mapped path (input_map.c), not read(2): both give the
 * same bytes, so nothing else tells them apart.
 */
#ifndef SL_TEST_MAPPED_H
#define SL_TEST_MAPPED_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
mapped_now(const char *path)
{
	char real[PATH_MAX], line[PATH_MAX + 128];
	size_t n, k;
	FILE *f;
	int found = 0;

	if (realpath(path, real) == NULL ||
	    (f = fopen("/proc/self/maps", "r")) == NULL)
		return 0;
	n = strlen(real);
	while (!found && fgets(line, sizeof line, f) != NULL) {
		k = strcspn(line, "\n");
		line[k] = '\0';
		found = k > n && line[k - n - 1] == ' ' &&
		    strcmp(line + k - n, real) == 0;
	}
	fclose(f);
	return found;
}

#endif /* SL_TEST_MAPPED_H */
