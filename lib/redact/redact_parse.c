/*
 * redact_parse.c: the rules-file format of sl-redact(1).  The default
 * rules (redact_rules.c) are written in it too, so the format can say
 * everything the defaults need.
 *
 *	# an internal API token
 *	rule acme-token
 *		pattern  \b(acme_[A-Za-z0-9]{32})\b
 *		group    1
 *		keywords acme_
 *		allow    ^acme_0{32}$
 *	disable cli-password
 *	allow ^EXAMPLE
 *
 * Lines that start with a blank belong to the rule above them; the
 * others are directives.  A value is the rest of the line, trailing
 * blanks dropped, so a pattern needs no quoting.  Every pattern is
 * compiled here, so a broken one stops the tool at start-up with its
 * place in the file.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact/redact.h"

/*
 * Memcheck cannot follow JIT-compiled code and reports false reads of
 * uninitialised memory in it: under valgrind the interpreter runs.
 */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define UNDER_VALGRIND()	RUNNING_ON_VALGRIND
#endif
#endif
#ifndef UNDER_VALGRIND
#define UNDER_VALGRIND()	0
#endif

struct parse {
	struct rx_rules *r;
	const char *name;
	long long line;
	int dflt;
	char *err;
	size_t errlen;
	struct rx_rule *cur;	/* the rule being read, or NULL */
	long long cur_line;
};

static int
fail(struct parse *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct parse *ps, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ps->err, ps->errlen, "%s:%lld: %s", ps->name, ps->line, msg);
	return SL_FATAL;
}

pcre2_code *
rx_compile(const char *pat, char *err, size_t errlen)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	pcre2_code *re;
	int code;

	/*
	 * Byte mode: logs hold invalid UTF-8, and the patterns are about
	 * ASCII shapes.  JIT failure is not an error: the interpreter runs.
	 */
	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, 0, &code,
	    &off, NULL);
	if (re == NULL) {
		pcre2_get_error_message(code, msg, sizeof(msg));
		snprintf(err, errlen, "bad pattern at offset %zu: %s",
		    (size_t)off, (char *)msg);
		return NULL;
	}
	if (!UNDER_VALGRIND())
		pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

static int
valid_name(const char *s, const char *extra)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("._-", *s) == NULL &&
		    strchr(extra, *s) == NULL)
			return 0;
	return 1;
}

static char *
where(const struct parse *ps)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s:%lld", ps->name, ps->line);
	return sl_xstrdup(buf);
}

static void
rule_free(struct rx_rule *rule)
{
	size_t i;

	free(rule->id);
	free(rule->kind);
	free(rule->where);
	pcre2_code_free(rule->re);
	pcre2_code_free(rule->after);
	pcre2_code_free(rule->until);
	pcre2_code_free(rule->command);
	for (i = 0; i < rule->nallow; i++)
		pcre2_code_free(rule->allow[i]);
	free(rule->allow);
	for (i = 0; i < rule->nkw; i++)
		free(rule->kw[i]);
	free(rule->kw);
	memset(rule, 0, sizeof(*rule));
}

static struct rx_rule *
find_rule(struct rx_rules *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->v[i].id, id) == 0)
			return &r->v[i];
	return NULL;
}

/* A rule is complete: check it; a user rule named like a default replaces
 * it, in its place, so that the order of kinds stays. */
static int
end_rule(struct parse *ps)
{
	struct rx_rule *rule = ps->cur, *old;
	uint32_t groups = 0;

	if (rule == NULL)
		return SL_OK;
	ps->cur = NULL;
	if (rule->type == RX_PATTERN && rule->re == NULL) {
		ps->line = ps->cur_line;
		return fail(ps, "rule \"%s\" has no pattern", rule->id);
	}
	if (rule->re != NULL) {
		pcre2_pattern_info(rule->re, PCRE2_INFO_CAPTURECOUNT, &groups);
		if (rule->group > groups) {
			ps->line = ps->cur_line;
			return fail(ps, "rule \"%s\": group %u but the pattern "
			    "has %u", rule->id, (unsigned)rule->group,
			    (unsigned)groups);
		}
	}
	if ((rule->within > 0 && rule->after == NULL &&
	    rule->command == NULL) ||
	    (rule->until != NULL && rule->after == NULL)) {
		ps->line = ps->cur_line;
		return fail(ps, "rule \"%s\": within or until without after",
		    rule->id);
	}
	if (rule->type != RX_PATTERN && (rule->group != 0 ||
	    rule->check != RX_CHECK_NONE || rule->after != NULL ||
	    rule->command != NULL || rule->until != NULL ||
	    rule->within != 0)) {
		ps->line = ps->cur_line;
		return fail(ps, "rule \"%s\": a context rule takes only "
		    "kind, keywords and allow", rule->id);
	}
	if (rule->after != NULL && rule->command != NULL) {
		ps->line = ps->cur_line;
		return fail(ps, "rule \"%s\": both after and command",
		    rule->id);
	}
	if (rule->kind == NULL)
		rule->kind = sl_xstrdup(rule->id);
	old = find_rule(ps->r, rule->id);
	if (old != NULL && old != rule) {
		if (!old->dflt || ps->dflt) {
			ps->line = ps->cur_line;
			return fail(ps, "duplicate rule \"%s\"", rule->id);
		}
		rule_free(old);
		*old = *rule;
		memset(rule, 0, sizeof(*rule));
		ps->r->n--;	/* the new one was last */
	}
	return SL_OK;
}

static int
start_rule(struct parse *ps, const char *id)
{
	struct rx_rules *r = ps->r;
	struct rx_rule *rule;

	if (!valid_name(id, "/"))
		return fail(ps, "bad rule id \"%s\"", id);
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = sl_xrealloc(r->v, r->cap * sizeof(*r->v));
	}
	rule = &r->v[r->n++];
	memset(rule, 0, sizeof(*rule));
	rule->id = sl_xstrdup(id);
	rule->where = where(ps);
	rule->on = 1;
	rule->dflt = ps->dflt;
	ps->cur = rule;
	ps->cur_line = ps->line;
	return SL_OK;
}

static pcre2_code **
add_re(pcre2_code **v, size_t *n, pcre2_code *re)
{
	v = sl_xrealloc(v, (*n + 1) * sizeof(*v));
	v[(*n)++] = re;
	return v;
}

/*
 * Blank-separated words; a word in double quotes may hold blanks
 * ("> auth"), which the prefilter then needs too.
 */
static int
keywords(struct parse *ps, struct rx_rule *rule, char *val)
{
	char *p = val, *w, *e;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (*p == '"') {
			w = ++p;
			if ((e = strchr(p, '"')) == NULL)
				return fail(ps, "rule \"%s\": keyword without "
				    "its closing quote", rule->id);
			p = e + 1;
		} else {
			w = p;
			while (*p != '\0' && *p != ' ' && *p != '\t')
				p++;
			e = p;
			if (*p != '\0')
				p++;
		}
		*e = '\0';
		if (*w == '\0')
			continue;
		for (e = w; *e != '\0'; e++) {
			if ((unsigned char)*e >= 0x80)
				return fail(ps, "rule \"%s\": keyword \"%s\" "
				    "is not ASCII", rule->id, w);
			*e = (char)tolower((unsigned char)*e);
		}
		rule->kw = sl_xrealloc(rule->kw,
		    (rule->nkw + 1) * sizeof(*rule->kw));
		rule->kw[rule->nkw++] = sl_xstrdup(w);
	}
	return SL_OK;
}

/* The fields of the lines a rule looks at: after, command, until. */
static int
window_field(const char *f)
{
	return strcmp(f, "after") == 0 || strcmp(f, "command") == 0 ||
	    strcmp(f, "until") == 0 || strcmp(f, "within") == 0;
}

static int
window(struct parse *ps, struct rx_rule *rule, const char *f, char *val)
{
	pcre2_code **slot = strcmp(f, "after") == 0 ? &rule->after :
	    strcmp(f, "command") == 0 ? &rule->command :
	    strcmp(f, "until") == 0 ? &rule->until : NULL;
	char msg[300], *end;
	long g;

	if (slot == NULL) {
		g = strtol(val, &end, 10);
		if (*val == '\0' || *end != '\0' || g < 1 ||
		    g > RX_WITHIN_MAX)
			return fail(ps, "rule \"%s\": bad within \"%s\" "
			    "(1 to %d lines)", rule->id, val, RX_WITHIN_MAX);
		rule->within = (int)g;
		return SL_OK;
	}
	if (*slot != NULL)
		return fail(ps, "rule \"%s\": a second %s", rule->id, f);
	if ((*slot = rx_compile(val, msg, sizeof(msg))) == NULL)
		return fail(ps, "rule \"%s\": %s: %s", rule->id, f, msg);
	if (slot != &rule->until && rule->within == 0)
		rule->within = 1;
	return SL_OK;
}

/*
 * A context rule's patterns are code (redact_detect.c); the field only
 * says which one the rule is.  Any rules file may name one, so that the
 * printed defaults read back: what they find stays the code's job.
 */
static int
context(struct parse *ps, struct rx_rule *rule, const char *val)
{
	if (rule->type != RX_PATTERN)
		return fail(ps, "rule \"%s\": a second context", rule->id);
	if (rule->re != NULL)
		return fail(ps, "rule \"%s\": a context in a rule with a "
		    "pattern", rule->id);
	if (strcmp(val, "private-key") == 0)
		rule->type = RX_PRIVKEY;
	else if (strcmp(val, "typed-password") == 0)
		rule->type = RX_TYPED;
	else
		return fail(ps, "rule \"%s\": unknown context \"%s\" "
		    "(private-key or typed-password)", rule->id, val);
	return SL_OK;
}

static int
field(struct parse *ps, const char *f, char *val)
{
	struct rx_rule *rule = ps->cur;
	char msg[300];
	pcre2_code *re;
	char *end;
	long g;

	if (rule == NULL)
		return fail(ps, "\"%s\" outside a rule", f);
	if (strcmp(f, "pattern") == 0) {
		if (rule->type != RX_PATTERN)
			return fail(ps, "rule \"%s\": a pattern in a context "
			    "rule", rule->id);
		if (rule->re != NULL)
			return fail(ps, "rule \"%s\": a second pattern",
			    rule->id);
		if ((rule->re = rx_compile(val, msg, sizeof(msg))) == NULL)
			return fail(ps, "rule \"%s\": %s", rule->id, msg);
	} else if (strcmp(f, "group") == 0) {
		g = strtol(val, &end, 10);
		if (*val == '\0' || *end != '\0' || g < 0 || g > 99)
			return fail(ps, "rule \"%s\": bad group \"%s\"",
			    rule->id, val);
		rule->group = (uint32_t)g;
	} else if (strcmp(f, "kind") == 0) {
		if (!valid_name(val, ""))
			return fail(ps, "rule \"%s\": bad kind \"%s\"",
			    rule->id, val);
		free(rule->kind);
		rule->kind = sl_xstrdup(val);
	} else if (strcmp(f, "keywords") == 0) {
		return keywords(ps, rule, val);
	} else if (window_field(f)) {
		return window(ps, rule, f, val);
	} else if (strcmp(f, "check") == 0) {
		if ((rule->check = rx_check_lookup(val)) < 0)
			return fail(ps, "rule \"%s\": unknown check \"%s\"",
			    rule->id, val);
	} else if (strcmp(f, "allow") == 0) {
		if ((re = rx_compile(val, msg, sizeof(msg))) == NULL)
			return fail(ps, "rule \"%s\": allow: %s", rule->id,
			    msg);
		rule->allow = add_re(rule->allow, &rule->nallow, re);
	} else if (strcmp(f, "context") == 0) {
		return context(ps, rule, val);
	} else
		return fail(ps, "rule \"%s\": unknown field \"%s\"", rule->id,
		    f);
	return SL_OK;
}

static int
directive(struct parse *ps, const char *d, char *val)
{
	struct rx_rules *r = ps->r;
	char msg[300];
	pcre2_code *re;
	int rc;

	if (strcmp(d, "pattern") == 0 || strcmp(d, "group") == 0 ||
	    strcmp(d, "kind") == 0 || strcmp(d, "keywords") == 0)
		return fail(ps, "\"%s\" must be indented under a rule", d);
	if ((rc = end_rule(ps)) != SL_OK)
		return rc;
	if (strcmp(d, "rule") == 0)
		return start_rule(ps, val);
	if (strcmp(d, "disable") == 0) {
		if (*val == '\0')
			return fail(ps, "disable needs a rule id or kind");
		r->dis = sl_xrealloc(r->dis, (r->ndis + 1) * sizeof(*r->dis));
		r->dis[r->ndis].name = sl_xstrdup(val);
		r->dis[r->ndis].where = where(ps);
		r->ndis++;
		return SL_OK;
	}
	if (strcmp(d, "allow") == 0) {
		if ((re = rx_compile(val, msg, sizeof(msg))) == NULL)
			return fail(ps, "allow: %s", msg);
		r->allow = add_re(r->allow, &r->nallow, re);
		return SL_OK;
	}
	return fail(ps, "unknown directive \"%s\"", d);
}

/* Split "word  rest of line" in place; rest has its end trimmed. */
static void
split(char *s, char **word, char **rest)
{
	char *e;

	*word = s;
	while (*s != '\0' && *s != ' ' && *s != '\t')
		s++;
	if (*s != '\0')
		*s++ = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	*rest = s;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
}

int
rx_parse(struct rx_rules *r, const char *name, const char *text, size_t len,
    int dflt, char *err, size_t errlen)
{
	struct parse ps;
	const char *p = text, *end = text + len, *nl;
	char *line, *s, *word, *rest;
	int rc = SL_OK, indented;

	memset(&ps, 0, sizeof(ps));
	ps.r = r;
	ps.name = name;
	ps.dflt = dflt;
	ps.err = err;
	ps.errlen = errlen;
	while (p < end && rc == SL_OK) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		ps.line++;
		line = sl_xstrndup(p, (size_t)(nl - p));
		p = nl < end ? nl + 1 : end;
		indented = line[0] == ' ' || line[0] == '\t';
		for (s = line; *s == ' ' || *s == '\t'; s++)
			;
		if (*s == '\0' || *s == '#' || (*s == '\r' && s[1] == '\0')) {
			free(line);
			continue;
		}
		split(s, &word, &rest);
		rc = indented ? field(&ps, word, rest) :
		    directive(&ps, word, rest);
		free(line);
	}
	if (rc == SL_OK)
		rc = end_rule(&ps);
	return rc;
}

/*
 * The engine runs one rule of each context (redact.c): a second enabled
 * one would be silently ignored, so it is an error that says which
 * rule to disable.
 */
static int
one_per_context(const struct rx_rules *r, char *err, size_t errlen)
{
	size_t i, j;

	for (j = 0; j < r->n; j++) {
		if (!r->v[j].on || r->v[j].type == RX_PATTERN)
			continue;
		for (i = 0; i < j; i++)
			if (r->v[i].on && r->v[i].type == r->v[j].type) {
				snprintf(err, errlen, "%s: rule \"%s\": the "
				    "same context as rule \"%s\" (%s): "
				    "disable one", r->v[j].where, r->v[j].id,
				    r->v[i].id, r->v[i].where);
				return SL_FATAL;
			}
	}
	return SL_OK;
}

int
rx_rules_resolve(struct rx_rules *r, char *err, size_t errlen)
{
	size_t i, j, k;
	int found;

	for (i = 0; i < r->ndis; i++) {
		found = 0;
		for (j = 0; j < r->n; j++)
			if (strcmp(r->v[j].id, r->dis[i].name) == 0 ||
			    strcmp(r->v[j].kind, r->dis[i].name) == 0) {
				r->v[j].on = 0;
				found = 1;
			}
		/* The defaults are always parsed, so their names count
		 * here even under --no-default. */
		if (!found) {
			snprintf(err, errlen, "%s: disable \"%s\": no such rule "
			    "or kind", r->dis[i].where, r->dis[i].name);
			return SL_FATAL;
		}
	}
	if (one_per_context(r, err, errlen) != SL_OK)
		return SL_FATAL;
	for (i = 0; i < r->nkinds; i++)
		free(r->kinds[i]);
	free(r->kinds);
	r->kinds = NULL;
	r->nkinds = 0;
	for (j = 0, k = 0; j < r->n; j++) {
		if (r->v[j].after == NULL || !r->v[j].on)
			continue;
		if (k == RX_NEAR_MAX) {
			snprintf(err, errlen, "%s: more than %d rules with "
			    "\"after\"", r->v[j].where, RX_NEAR_MAX);
			return SL_FATAL;
		}
		r->v[j].aidx = (int)k++;
	}
	r->nafter = k;
	for (j = 0; j < r->n; j++) {
		for (k = 0; k < r->nkinds; k++)
			if (strcmp(r->kinds[k], r->v[j].kind) == 0)
				break;
		if (k == r->nkinds) {
			r->kinds = sl_xrealloc(r->kinds,
			    (r->nkinds + 1) * sizeof(*r->kinds));
			r->kinds[r->nkinds++] = sl_xstrdup(r->v[j].kind);
		}
		r->v[j].kid = (int)k;
	}
	return SL_OK;
}

void
rx_rules_free(struct rx_rules *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		rule_free(&r->v[i]);
	free(r->v);
	for (i = 0; i < r->nallow; i++)
		pcre2_code_free(r->allow[i]);
	free(r->allow);
	for (i = 0; i < r->nkinds; i++)
		free(r->kinds[i]);
	free(r->kinds);
	for (i = 0; i < r->ndis; i++) {
		free(r->dis[i].name);
		free(r->dis[i].where);
	}
	free(r->dis);
	memset(r, 0, sizeof(*r));
}
