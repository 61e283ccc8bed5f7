/*
 * redact.c: the redaction engine as a whole: rules in, ready to run,
 * the renderer it uses one line at a time, markers, and the counts that
 * --stats reports (kinds, inputs, lines; never a secret).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact/redact.h"

/* Context rules are code; their patterns live here, not in a rules file. */
#define RE_BEGIN	"-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----"
#define RE_END		"-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----"
#define RE_PUTTY	"^Private-Lines:\\s*(\\d{1,5})\\s*$"
/* A prompt that reads without echo, at the end of the line. */
#define RE_ARM		"(?i)(?:\\bpass(?:word|phrase|code)?\\b|\\bpass " \
			"phrase\\b|\\bpin\\b)[^\\n]{0,100}:\\s*$"
/* What a shell says about a command it cannot find: group 1 is it. */
/*
 * What says that a no-echo prompt did not get its password: what the
 * user typed then may have gone to the shell.  A prompt that worked
 * says nothing of the kind, and the next typo is only a typo.
 */
#define RE_FAIL		"(?i)sorry, try again|incorrect password|password " \
	"incorrect|authentication fail|permission denied|login incorrect|" \
	"timed out|time ?out|access denied|bad passphrase|incorrect " \
	"passphrase|wrong password|invalid password|a password is required|" \
	"no password was provided|conversation failed|\\^C\\s*$"
#define RE_NOTFOUND	"^(?!sudo: )(?|" \
	"(?:-?[a-z]*sh(?:-[0-9.]+)?: (?:line \\d+: )?)?(\\S.*?): command not found" \
	"|(?:-?[a-z]*sh: )?\\d+: (\\S.*?): not found" \
	"|zsh: command not found: (\\S.*)" \
	"|fish: Unknown command:? (\\S.*)" \
	"|(\\S.*?) ?: The term '.*' is not recognized as (?:the|a) name of a .*" \
	"|'(\\S.*)' is not recognized as an internal or external command,?" \
	")$"

static void
on_row(void *arg, const struct sl_row *row)
{
	struct sl_redact *rx = arg;

	/* Pieces of a row cut at SL_ROW_MAX are one line again. */
	if (rx->rend_rows > 0 && row->piece <= 1)
		sl_buf_addc(&rx->rend, '\n');
	sl_buf_add(&rx->rend, row->text, row->len);
	rx->rend_rows++;
}

struct sl_redact *
sl_redact_new(unsigned flags)
{
	struct sl_redact *rx = sl_xcalloc(1, sizeof(*rx));
	char err[512];
	size_t i;

	rx->flags = flags;
	rx->status = SL_OK;
	rx->ahead_min = RX_AHEAD_MIN;
	rx->ahead_ring = RX_AHEAD_RING;
	rx->ahead_max = RX_AHEAD_MAX;
	/*
	 * The defaults are parsed even under SL_REDACT_NO_DEFAULT, only
	 * turned off: a rules file may still name them.
	 */
	if (rx_parse(&rx->rules, "defaults", rx_default_rules,
	    strlen(rx_default_rules), 1, err, sizeof(err)) != SL_OK)
		abort();	/* a broken default is a bug, not input */
	if (flags & SL_REDACT_NO_DEFAULT) {
		for (i = 0; i < rx->rules.n; i++)
			rx->rules.v[i].on = 0;
		for (i = 0; i < rx->rules.nallow; i++)
			pcre2_code_free(rx->rules.allow[i]);
		rx->rules.nallow = 0;
	}
	sl_buf_init(&rx->rend);
	sl_buf_init(&rx->subj);
	sl_buf_init(&rx->rawtext);
	sl_buf_init(&rx->crrow);
	sl_buf_init(&rx->scratch_out);
	return rx;
}

int
sl_redact_add_rules(struct sl_redact *rx, const char *name, const char *text,
    size_t len, struct sl_error *err)
{
	return sl_error_status(err, rx_parse(&rx->rules, name, text, len, 0,
	    sl_error_clear(err), sizeof(err->msg)));
}

void
sl_redact_set_key(struct sl_redact *rx, const void *key, size_t len)
{
	free(rx->key);
	rx->key = sl_xmalloc(len > 0 ? len : 1);
	memcpy(rx->key, key, len);
	rx->keylen = len;
}

static pcre2_code *
builtin(const char *pat)
{
	char err[256];
	pcre2_code *re = rx_compile(pat, err, sizeof(err));

	if (re == NULL)
		abort();
	return re;
}

static void scratch_release_init(struct sl_redact *rx);

/* What lets rule r run on a line (rx->allrules known). */
static unsigned char
rule_gate(const struct sl_redact *rx, const struct rx_rule *r)
{
	if (r->after != NULL)
		return RX_GATE_NEAR;
	return r->nkw > 0 && !rx->allrules ? RX_GATE_KEYWORD : RX_GATE_ALWAYS;
}

static void
ruleset_add(struct rx_ruleset *set, size_t rule, size_t nrules,
    unsigned char gate)
{
	if (set->v == NULL) {
		set->v = sl_xmalloc((nrules + 1) * sizeof(int));
		set->gate = sl_xmalloc(nrules + 1);
	}
	set->gate[set->n] = gate;
	set->v[set->n++] = (int)rule;
}

/* The rulesets of rx (struct sl_redact): enabled rules by kind. */
static void
sort_rules(struct sl_redact *rx)
{
	const struct rx_rule *r;
	unsigned char gate;
	size_t i;

	for (i = 0; i < rx->rules.n; i++) {
		r = &rx->rules.v[i];
		if (!r->on)
			continue;
		gate = rule_gate(rx, r);
		if (r->type == RX_PATTERN && r->command == NULL)
			ruleset_add(&rx->plain, i, rx->rules.n, gate);
		if (r->after != NULL)
			ruleset_add(&rx->after, i, rx->rules.n, gate);
		if (r->command != NULL)
			ruleset_add(&rx->command, i, rx->rules.n, gate);
	}
}

/* The keyword automaton over the rules' keywords. */
static int
build_prefilter(struct sl_redact *rx)
{
	struct rx_rule *r;
	size_t i, k;

	rx_ac_free(rx->ac);
	rx->ac = rx_ac_new();
	for (i = 0; i < rx->rules.n; i++) {
		r = &rx->rules.v[i];
		if (!r->on)
			continue;
		for (k = 0; k < r->nkw; k++)
			rx_ac_add(rx->ac, r->kw[k], (int)i);
	}
	if (rx_ac_build(rx->ac) != 0) {
		/* Too many keywords for the table: slower, never wrong. */
		rx->prefilter = 0;
		rx->allrules = 1;
		return 0;
	}
	return 1;
}

static int
redact_ready(struct sl_redact *rx, char *err, size_t errlen)
{
	struct sl_term_cb cb;
	struct rx_rule *r;
	size_t i;

	if (rx->ready)
		return SL_OK;
	if (rx_rules_resolve(&rx->rules, err, errlen) != SL_OK)
		return SL_FATAL;
	rx->prefilter = 1;
	rx->privkey_rule = rx->typed_rule = -1;
	for (i = 0; i < rx->rules.n; i++) {
		r = &rx->rules.v[i];
		if (!r->on)
			continue;
		if (r->type == RX_PRIVKEY && rx->privkey_rule < 0)
			rx->privkey_rule = (int)i;
		if (r->type == RX_TYPED && rx->typed_rule < 0)
			rx->typed_rule = (int)i;
		if (r->nkw == 0 && r->type == RX_PATTERN)
			rx->prefilter = 0;	/* it must see every line */
	}
	build_prefilter(rx);
	sort_rules(rx);
	rx->candr = sl_xcalloc(rx->rules.n + 1, sizeof(uint32_t));
	rx->candl = sl_xcalloc(rx->rules.n + 1, sizeof(uint32_t));
	rx->nearby = sl_xcalloc(rx->rules.n + 1, sizeof(uint32_t));
	rx->re_begin = builtin(RE_BEGIN);
	rx->re_end = builtin(RE_END);
	rx->re_putty = builtin(RE_PUTTY);
	rx->re_arm = builtin(RE_ARM);
	rx->re_notfound = builtin(RE_NOTFOUND);
	rx->re_fail = builtin(RE_FAIL);
	rx->md = pcre2_match_data_create(128, NULL);
	rx->mctx = pcre2_match_context_create(NULL);
	/* Deep patterns on megabyte lines need more than the 32K default. */
	rx->jit = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, NULL);
	pcre2_jit_stack_assign(rx->mctx, NULL, rx->jit);
	memset(&cb, 0, sizeof(cb));
	cb.row = on_row;
	cb.arg = rx;
	rx->term = sl_term_new(&cb);
	rx->kind_total = sl_xcalloc(rx->rules.nkinds + 1, sizeof(long long));
	scratch_release_init(rx);
	rx->ready = 1;
	return SL_OK;
}

int
sl_redact_ready(struct sl_redact *rx, struct sl_error *err)
{
	return sl_error_status(err, redact_ready(rx, sl_error_clear(err),
	    sizeof(err->msg)));
}

/* ------------------------------------------------- strings on their own */

/*
 * rx_redact_string runs a string through a queue of its own: lines are
 * released when the string ends, so the result is there on return.
 */
static int
scratch_release(void *arg, const struct rx_done *d)
{
	struct sl_redact *rx = arg;
	size_t i, at = 0, k, j;

	if (!d->line) {
		sl_buf_add(&rx->scratch_out, d->p, d->n);
		return SL_OK;
	}
	for (i = 0; i < d->nedits; i++) {
		sl_buf_add(&rx->scratch_out, d->p + at, d->edits[i].off - at);
		sl_buf_add(&rx->scratch_out, d->edits[i].rep,
		    d->edits[i].replen);
		at = d->edits[i].off + d->edits[i].len;
	}
	sl_buf_add(&rx->scratch_out, d->p + at, d->n - at);
	sl_buf_add(&rx->scratch_out, d->e, d->en);
	for (k = 0; k < d->nkids; k++) {
		for (j = 0; j < rx->scratch_nkids; j++)
			if (rx->scratch_kids[j] == d->kids[k])
				break;
		if (j == rx->scratch_nkids &&
		    rx->scratch_nkids < rx->scratch_maxkids)
			rx->scratch_kids[rx->scratch_nkids++] = d->kids[k];
	}
	return SL_OK;
}

static void
scratch_release_init(struct sl_redact *rx)
{
	rx_queue_init(&rx->scratch, rx, scratch_release, rx, NULL);
}

size_t
rx_redact_string(struct sl_redact *rx, struct rx_fstat *fs, long long line,
    const char *s, size_t n, int rendered, const char *kc, size_t kn,
    struct sl_buf *out, int *kids, size_t *nkids, size_t maxkids)
{
	size_t at = 0, cn, en, next, before = rx->scratch_count;
	int first = 1;

	rx_ctx_reset(&rx->scratch, &rx->scratch_ctx);
	sl_buf_reset(&rx->scratch_out);
	rx->scratch.fs = fs;
	rx->scratch_kids = kids;
	rx->scratch_nkids = *nkids;
	rx->scratch_maxkids = maxkids;
	while (at < n) {
		rx_next_line(rx, s + at, n - at, &cn, &en, &next);
		rx_queue_line(&rx->scratch, &rx->scratch_ctx, s + at, cn,
		    s + at + cn, en, rendered, first ? kc : NULL,
		    first ? kn : 0, line, NULL);
		first = 0;
		at += next;
	}
	rx_queue_flush(&rx->scratch);
	rx_ctx_reset(&rx->scratch, &rx->scratch_ctx);
	*nkids = rx->scratch_nkids;
	sl_buf_reset(out);
	sl_buf_add(out, rx->scratch_out.buf, rx->scratch_out.len);
	return (size_t)(rx->scratch_count - before);
}

/* ------------------------------------------------------------- stats */

long long
sl_redact_total(const struct sl_redact *rx)
{
	return rx->total;
}

long long
sl_redact_unchecked(const struct sl_redact *rx)
{
	return rx->inword;
}

/* "aws-access-key-id 2, jwt 1" */
static void
kind_list(const struct sl_redact *rx, const long long *counts,
    struct sl_buf *b, const char *sep, const char *eq)
{
	size_t k;
	int first = 1;

	for (k = 0; k < rx->rules.nkinds; k++) {
		if (counts[k] == 0)
			continue;
		if (!first)
			sl_buf_adds(b, sep);
		first = 0;
		sl_buf_adds(b, rx->rules.kinds[k]);
		sl_buf_adds(b, eq);
		sl_buf_add_int(b, counts[k]);
	}
}

void
sl_redact_summary(const struct sl_redact *rx, struct sl_buf *b)
{
	size_t i, with = 0;

	for (i = 0; i < rx->nfiles; i++)
		if (rx->files[i]->count > 0)
			with++;
	sl_buf_printf(b, "redacted %lld secret%s in %zu of %zu input%s%s",
	    rx->total, rx->total == 1 ? "" : "s", with, rx->nfiles,
	    rx->nfiles == 1 ? "" : "s", rx->total > 0 ? ": " : "");
	kind_list(rx, rx->kind_total, b, ", ", " ");
	/*
	 * A secret that spans escape sequences cannot be cut out of the
	 * raw bytes: such a line lost its escapes, and the reader should
	 * know why the log changed there.
	 */
	if (rx->rewritten > 0)
		sl_buf_printf(b, "; %lld line%s written as screen text",
		    rx->rewritten,
		    rx->rewritten == 1 ? "" : "s");
	/* A secret across such a cut is not found: nothing says so else. */
	if (rx->inword > 0)
		sl_buf_printf(b, "; %lld long line%s cut inside a word, not "
		    "checked across the cut", rx->inword,
		    rx->inword == 1 ? "" : "s");
}

void
sl_redact_report(const struct sl_redact *rx, struct sl_buf *b)
{
	const struct rx_fstat *fs;
	size_t i, k, with = 0;

	for (i = 0; i < rx->nfiles; i++)
		if (rx->files[i]->count > 0)
			with++;
	sl_buf_adds(b, "# sl-redact stats: what was redacted where; never "
	    "the secret\n");
	sl_buf_printf(b, "total\t%lld\t%zu\t%zu\n", rx->total, with,
	    rx->nfiles);
	for (k = 0; k < rx->rules.nkinds; k++)
		if (rx->kind_total[k] > 0)
			sl_buf_printf(b, "kind\t%s\t%lld\n", rx->rules.kinds[k],
			    rx->kind_total[k]);
	for (i = 0; i < rx->nfiles; i++) {
		fs = rx->files[i];
		sl_buf_printf(b, "input\t%s\t%lld\t", fs->name, fs->count);
		kind_list(rx, fs->kinds, b, " ", "=");
		sl_buf_addc(b, '\n');
	}
	for (i = 0; i < rx->nfiles; i++) {
		fs = rx->files[i];
		for (k = 0; k < fs->nhits; k++)
			sl_buf_printf(b, "line\t%s\t%lld\t%s\n", fs->name,
			    fs->hits[k].line,
			    rx->rules.kinds[fs->hits[k].kid]);
	}
}

void
sl_redact_free(struct sl_redact *rx)
{
	size_t i;

	if (rx == NULL)
		return;
	rx_jobs_end(rx);	/* -j: workers ended, nothing left owed */
	if (rx->ready) {
		rx_queue_fini(&rx->scratch);
		rx_ctx_free(&rx->scratch_ctx);
	}
	rx_rules_free(&rx->rules);
	rx_ac_free(rx->ac);
	free(rx->plain.v);
	free(rx->plain.gate);
	free(rx->after.v);
	free(rx->after.gate);
	free(rx->command.v);
	free(rx->command.gate);
	free(rx->candr);
	free(rx->candl);
	free(rx->nearby);
	pcre2_code_free(rx->re_begin);
	pcre2_code_free(rx->re_end);
	pcre2_code_free(rx->re_putty);
	pcre2_code_free(rx->re_arm);
	pcre2_code_free(rx->re_notfound);
	pcre2_code_free(rx->re_fail);
	pcre2_match_data_free(rx->md);
	pcre2_match_context_free(rx->mctx);
	pcre2_jit_stack_free(rx->jit);
	sl_term_free(rx->term);
	sl_buf_free(&rx->rend);
	sl_buf_free(&rx->subj);
	sl_buf_free(&rx->rawtext);
	sl_buf_free(&rx->crrow);
	sl_buf_free(&rx->scratch_out);
	if (rx->key != NULL)
		explicit_bzero(rx->key, rx->keylen);
	free(rx->key);
	for (i = 0; i < rx->nfiles; i++) {
		free(rx->files[i]->name);
		free(rx->files[i]->kinds);
		free(rx->files[i]->hits);
		free(rx->files[i]);
	}
	free(rx->files);
	free(rx->kind_total);
	free(rx);
}

const char *
sl_redact_default_rules(void)
{
	return rx_default_rules;
}
