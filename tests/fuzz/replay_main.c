/* SPDX-License-Identifier: MIT */
/*
 * Without libFuzzer (gcc builds, cross builds, the other sanitizers): run
 * a harness over the files of its seed corpus, so every build replays the
 * corpus as a regression test. Arguments: files or directories.
 */
#define _POSIX_C_SOURCE 200809L /* scandir, alphasort */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_util.h"

static unsigned long ran;

static int replay_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	long len;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0) {
		perror(path);
		return 1;
	}
	rewind(fp);
	buf = malloc((size_t)len + 1);
	if (buf == NULL || fread(buf, 1, (size_t)len, fp) != (size_t)len) {
		perror(path);
		return 1;
	}
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	ran++;
	return 0;
}

static int replay(const char *path)
{
	struct stat st;
	struct dirent **names;
	char sub[4096];
	int n, i, bad = 0;

	if (stat(path, &st) != 0) {
		perror(path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	/* sorted, so a failure names the same file every run */
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		perror(path);
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", path, names[i]->d_name);
			bad |= replay(sub);
		}
		free(names[i]);
	}
	free(names);
	return bad;
}

int main(int argc, char **argv)
{
	int i, bad = 0;

	for (i = 1; i < argc; i++)
		bad |= replay(argv[i]);
	/* the empty input is a program too (boot only) */
	LLVMFuzzerTestOneInput(NULL, 0);
	printf("replayed %lu corpus file(s)\n", ran);
	return bad || ran == 0;
}
