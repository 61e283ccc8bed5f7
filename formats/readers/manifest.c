/*
 * manifest: the MANIFEST that sl-convert puts in the archives it writes
 * (a checksum list, not a log), so that reading such an archive back
 * does not turn it into a session:
 *
 *	# sl-convert MANIFEST: SHA-256, size in bytes, file name
 *	687db7d9...4494  695  ci-deploy-bot-k3vq8x2mzt7wnh4pyd6bcf9e5a.txt
 *
 * Every line is skipped, and counted in one `skipped` note.
 */
#include <string.h>

#include "internal.h"

#define MANIFEST_HEAD	"# sl-convert MANIFEST:"

static int
mf_probe(const unsigned char *p, size_t n, const char *name)
{
	SL_UNUSED(name);
	return sl_starts((const char *)p, n, MANIFEST_HEAD) ? 100 : 0;
}

static int
mf_read(struct sl_reader *rd)
{
	const char *p;
	size_t n;
	int more, rc, in_piece = 0;
	long long lines = 0;

	while ((rc = sl_in_line(rd->in, &p, &n, &more)) > 0) {
		if (!in_piece)
			lines++;
		in_piece = more;
	}
	sl_count_units(rd, lines);
	sl_count_skipped(rd, lines);
	if (sl_emit_note(rd, NULL, rd->name, SL_NOTE_SKIPPED, lines,
	    "an sl-convert MANIFEST (checksums of the archive's files), "
	    "not a log") == SL_STOP)
		return SL_STOP;
	return rc < 0 ? SL_REJECT : SL_OK;
}

const struct sl_format sl_format_manifest = {
	"manifest",
	"the MANIFEST of an sl-convert archive (skipped)",
	mf_probe,
	mf_read,
	SL_SHAPE_TEXT,
};
