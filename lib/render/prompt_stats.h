/*
 * prompt_stats.h: counts prompt.c keeps of its own work, for the unit
 * tests that bound it (tests/unit/test_prompt.c).  Internal: prompt.c
 * and the tests only; the rest of the library has no use for them, so
 * they stay out of render.h.
 */
#ifndef SL_RENDER_PROMPT_STATS_H
#define SL_RENDER_PROMPT_STATS_H

struct sl_prompt;

/* Shapes tried inside rows for a prompt drawn over a line (the search
 * stays linear in the row). */
unsigned long sl_prompt_glued_tries(const struct sl_prompt *ps);

#endif
