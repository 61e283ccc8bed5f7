/*
 * time.c: the time formats of Session Manager's sources, all to UTC
 * milliseconds, and back to RFC 3339 with milliseconds and Z.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>

#include "base/base.h"

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant). */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static void
civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
	long long era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (long long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y += *m <= 2;
}

/* n digits at s as a number, or -1. */
static long
digits(const char *s, size_t avail, size_t n)
{
	long v = 0;
	size_t i;

	if (avail < n)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

struct tm_parts {
	long y, mo, d, h, mi, s, ms;
};

static int
valid(const struct tm_parts *t)
{
	static const unsigned char mdays[12] = { 31, 29, 31, 30, 31, 30, 31,
	    31, 30, 31, 30, 31 };
	int leap = (t->y % 4 == 0 && t->y % 100 != 0) || t->y % 400 == 0;

	if (t->mo < 1 || t->mo > 12 || t->d < 1 || t->d > mdays[t->mo - 1] ||
	    (t->mo == 2 && t->d == 29 && !leap))
		return 0;	/* Feb 30 would silently become March */
	return t->h <= 23 && t->mi <= 59 && t->s <= 60;
}

static long long
to_ms(const struct tm_parts *t)
{
	return ((days_from_civil(t->y, (unsigned)t->mo, (unsigned)t->d) * 24 +
	    t->h) * 60 + t->mi) * 60000LL + t->s * 1000LL + t->ms;
}

/*
 * "YYYY-MM-DD[T ]HH:MM:SS[.fff...]", then what follows at *rest.
 * The fraction is rounded to milliseconds.
 */
static int
parse_iso_local(const char *s, size_t n, struct tm_parts *t, size_t *rest)
{
	size_t i = 19;

	if ((t->y = digits(s, n, 4)) < 0 || n < 19 || s[4] != '-' ||
	    (t->mo = digits(s + 5, n - 5, 2)) < 0 || s[7] != '-' ||
	    (t->d = digits(s + 8, n - 8, 2)) < 0 ||
	    (s[10] != 'T' && s[10] != ' ' && s[10] != 't') ||
	    (t->h = digits(s + 11, n - 11, 2)) < 0 || s[13] != ':' ||
	    (t->mi = digits(s + 14, n - 14, 2)) < 0 || s[16] != ':' ||
	    (t->s = digits(s + 17, n - 17, 2)) < 0 || !valid(t))
		return -1;
	t->ms = 0;
	if (i < n && (s[i] == '.' || s[i] == ',')) {
		long scale = 100;
		int round = 0;

		if (i + 1 >= n || !isdigit((unsigned char)s[i + 1]))
			return -1;	/* a point needs digits */
		for (i++; i < n && isdigit((unsigned char)s[i]); i++) {
			if (scale > 0)
				t->ms += (s[i] - '0') * scale;
			else if (scale == 0 && round == 0)
				round = s[i] >= '5' ? 1 : -1;
			scale /= 10;
			if (scale == 0 && round == 0 && i + 1 < n &&
			    isdigit((unsigned char)s[i + 1]))
				scale = 0;
		}
		if (round > 0)
			t->ms++;
	}
	*rest = i;
	return 0;
}

int
sl_time_rfc3339(const char *s, size_t n, long long *ms)
{
	struct tm_parts t;
	size_t i;
	long oh, om = 0;
	int sign;

	if (parse_iso_local(s, n, &t, &i) < 0)
		return -1;
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		*ms = to_ms(&t);
		return i + 1 == n ? 0 : -1;
	}
	if (i >= n || (s[i] != '+' && s[i] != '-'))
		return -1;
	sign = s[i] == '-' ? -1 : 1;
	i++;
	if ((oh = digits(s + i, n - i, 2)) < 0)
		return -1;
	i += 2;
	if (i < n && s[i] == ':' && ++i == n)
		return -1;	/* a colon needs minutes */
	if (i < n && (om = digits(s + i, n - i, 2)) < 0)
		return -1;
	if (i < n)
		i += 2;
	if (i != n || oh > 23 || om > 59)
		return -1;
	*ms = to_ms(&t) - sign * (oh * 60 + om) * 60000LL;
	return 0;
}

int
sl_time_utc(const char *s, size_t n, long long *ms)
{
	struct tm_parts t;
	size_t i;

	if (parse_iso_local(s, n, &t, &i) < 0 || i != n)
		return sl_time_rfc3339(s, n, ms);
	*ms = to_ms(&t);
	return 0;
}

void
sl_time_format(long long ms, char out[25])
{
	long long days;
	unsigned rem, m, d, i;
	unsigned v[7];
	long long y;
	static const char shape[] = "0000-00-00T00:00:00.000Z";
	static const int width[7] = { 4, 2, 2, 2, 2, 2, 3 };
	char *o = out;

	/* Clamped, so that any number (a hostile 1e300) formats sanely. */
	ms = ms < SL_TIME_FIRST ? SL_TIME_FIRST : ms > SL_TIME_LAST ?
	    SL_TIME_LAST : ms;
	days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
	rem = (unsigned)(ms - days * 86400000);
	civil_from_days(days, &y, &m, &d);
	if (y < 0)
		y = 0;
	v[0] = (unsigned)(y > 9999 ? 9999 : y);
	v[1] = m;
	v[2] = d;
	v[3] = rem / 3600000;
	v[4] = rem / 60000 % 60;
	v[5] = rem / 1000 % 60;
	v[6] = rem % 1000;
	memcpy(out, shape, sizeof(shape));
	for (i = 0; i < 7; i++) {
		int k;

		for (k = width[i] - 1; k >= 0; k--) {
			o[k] = (char)('0' + v[i] % 10);
			v[i] /= 10;
		}
		o += width[i] + 1;
	}
}

static int
month_of(const char *s)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int i;

	for (i = 0; i < 12; i++)
		if (strncasecmp(s, names + 3 * i, 3) == 0)
			return i + 1;
	return 0;
}

/*
 * Zone-less local times as sources write them: "20200125091923"
 * (PowerShell), "2020-01-25 09:19:23", C-locale %c / ctime
 * "Tue Sep 29 16:58:03 2020", and en_US %c "Tue 29 Sep 2020 04:58:03 PM".
 */
static int
parse_local(const char *s, struct tm_parts *t)
{
	size_t n = strlen(s), i;
	char wd[4], mon[4], ampm[3] = "";
	int k;

	memset(t, 0, sizeof(*t));
	if (n == 14 && (t->y = digits(s, n, 4)) >= 0 &&
	    (t->mo = digits(s + 4, 2, 2)) >= 0 &&
	    (t->d = digits(s + 6, 2, 2)) >= 0 &&
	    (t->h = digits(s + 8, 2, 2)) >= 0 &&
	    (t->mi = digits(s + 10, 2, 2)) >= 0 &&
	    (t->s = digits(s + 12, 2, 2)) >= 0)
		return valid(t) ? 0 : -1;
	if (parse_iso_local(s, n, t, &i) == 0)
		return 0;
	if (sscanf(s, "%3s %3s %ld %ld:%ld:%ld %ld%n", wd, mon, &t->d, &t->h,
	    &t->mi, &t->s, &t->y, &k) == 7 && (t->mo = month_of(mon)) > 0)
		return valid(t) ? 0 : -1;
	if (sscanf(s, "%3s %ld %3s %ld %ld:%ld:%ld %2s", wd, &t->d, mon, &t->y,
	    &t->h, &t->mi, &t->s, ampm) >= 7 && (t->mo = month_of(mon)) > 0) {
		if (strcasecmp(ampm, "PM") == 0 && t->h < 12)
			t->h += 12;
		else if (strcasecmp(ampm, "AM") == 0 && t->h == 12)
			t->h = 0;
		return valid(t) ? 0 : -1;
	}
	return -1;
}

int
sl_time_local(const char *s, const char *tz, long long *ms)
{
	struct tm_parts t;
	struct tm tm;
	char *old;
	time_t secs;

	if (parse_local(s, &t) < 0)
		return -1;
	if (tz == NULL || strcmp(tz, "UTC") == 0 || strcmp(tz, "Z") == 0) {
		*ms = to_ms(&t);
		return 0;
	}
	/* The C library knows the zone database; borrow it via TZ. */
	old = getenv("TZ") != NULL ? sl_xstrdup(getenv("TZ")) : NULL;
	setenv("TZ", tz, 1);
	tzset();
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)t.y - 1900;
	tm.tm_mon = (int)t.mo - 1;
	tm.tm_mday = (int)t.d;
	tm.tm_hour = (int)t.h;
	tm.tm_min = (int)t.mi;
	tm.tm_sec = (int)t.s;
	tm.tm_isdst = -1;
	secs = mktime(&tm);
	if (old != NULL)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old);
	if (secs == (time_t)-1)
		return -1;
	*ms = (long long)secs * 1000 + t.ms;
	return 0;
}

int
sl_tz_valid(const char *tz)
{
	char path[4096], magic[4];
	FILE *f;
	int ok;

	if (strcmp(tz, "UTC") == 0 || strcmp(tz, "Z") == 0)
		return 1;
	if (tz[0] == '\0' || tz[0] == '/' || strstr(tz, "..") != NULL)
		return 0;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz);
	/* A zone is a TZif file: not a folder, not zone.tab. */
	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	ok = fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok;
}
